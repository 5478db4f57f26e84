"""The score panel's links from a warning to its cause in the builder."""

import pytest

from workbench.presenters import warning_anchor


@pytest.mark.parametrize(
    ("kind", "key", "anchor"),
    [
        ("line", "l3", "line-l3"),
        ("mechanism", "m1", "mechanism-m1"),
        ("mechanism", "phased_reversible", "phases"),  # derived: no row, its cause is the timeline
        ("agreement", "", ""),
        ("phase", "p1", ""),
    ],
)
def test_show_the_cause_points_at_an_element_the_builder_renders(kind, key, anchor):
    assert warning_anchor({"subject_kind": kind, "subject_key": key}) == anchor
