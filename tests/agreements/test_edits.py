"""The document edits are pure functions: property tests with plain data, no database."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from agreements import edits
from agreements.document import CatalogIndex
from tests.factories import draft_document

CATALOG = CatalogIndex(
    items={"datasets": False, "monitored-api-access": True},
    commitments=frozenset({"domestic-safety-regulation"}),
    mechanism_types={"treaty": False},
    actors=frozenset({"us", "jp", "br"}),
    names={"datasets": "Datasets", "jp": "Japan", "monitored-api-access": "Monitored API access"},
    lever_defaults={"monitored-api-access": {"monitoring": "realtime", "access_mode": "api"}},
)

documents = st.integers(min_value=0, max_value=6).map(lambda n: draft_document(lines=n))
magnitudes = st.floats(min_value=0.01, max_value=1.0, allow_nan=False)


@given(documents, magnitudes)
def test_adding_then_removing_a_line_restores_the_document(document, magnitude):
    before = copy.deepcopy(document)
    added = edits.part_added(
        document,
        section="lines",
        data={"item": "datasets", "recipient": "jp", "magnitude": magnitude},
        catalog=CATALOG,
    )
    assert document == before  # the input is never changed
    new_key = added.document["lines"][-1]["key"]
    assert new_key not in {line["key"] for line in before["lines"]}
    assert added.part == ("lines", len(before["lines"]))
    assert added.message == "Added benefit “Datasets for Japan”"
    removed = edits.part_removed(added.document, section="lines", key=new_key, catalog=CATALOG)
    assert removed.document == before


@given(documents)
def test_changing_nothing_changes_nothing(document):
    for line in document["lines"]:
        same = edits.part_changed(
            document,
            section="lines",
            key=line["key"],
            changes={"magnitude": line["magnitude"]},
            catalog=CATALOG,
        )
        assert same.document == document
        assert same.message.startswith("Changed nothing of benefit “")


@given(documents)
def test_removing_a_party_removes_exactly_its_lines_and_conditions(document):
    removed = edits.part_removed(document, section="parties", key="jp", catalog=CATALOG)
    for section in ("lines", "conditions"):
        kept = [r for r in document[section] if r["recipient"] != "jp"]
        assert removed.document[section] == kept
    assert [p["key"] for p in removed.document["parties"]] == ["us", "br", "cn"]


@given(st.permutations(["a", "b", "c", "d"]))
def test_reordering_phases_numbers_them_in_the_new_order(keys):
    document = {
        "phases": [{"key": k, "order": n, "name": k.upper()} for n, k in enumerate("abcd", 1)]
    }
    reordered = edits.phases_reordered(document, keys=keys)
    assert [p["key"] for p in reordered.document["phases"]] == keys
    assert [p["order"] for p in reordered.document["phases"]] == [1, 2, 3, 4]
    assert document["phases"][0]["key"] == "a"  # unchanged input


@given(
    st.dictionaries(
        st.sampled_from(["scope", "monitoring", "access_mode", "throttling"]),
        st.sampled_from(["none", "narrow", "realtime", "weights", "api", "strict"]),
    )
)
def test_a_new_frontier_line_takes_the_defaults_the_writer_did_not_choose(chosen):
    defaults = {"monitoring": "realtime", "access_mode": "api", "output_controls": "filtered"}
    levers = edits.levers_with_defaults(chosen, defaults)
    for name, value in chosen.items():
        assert levers[name] == value
    for name, value in defaults.items():
        if name not in chosen and not (
            levers.get("access_mode") == "weights" and name in ("monitoring", "throttling")
        ):
            assert levers[name] == value
    if levers.get("access_mode") == "weights":
        for name in ("monitoring", "throttling"):
            assert levers.get(name, "none") == chosen.get(name, "none")


def test_items_without_levers_keep_what_was_given():
    assert edits.levers_with_defaults(None, None) is None
    assert edits.levers_with_defaults({"scope": "narrow"}, None) == {"scope": "narrow"}


@given(documents, st.sampled_from(["dsa", "omega", "title", "status"]))
def test_draft_changes_touch_only_the_named_field(document, name):
    value = {"dsa": 0.9, "omega": 0.4, "title": "New title", "status": "final"}[name]
    changed = edits.draft_changed(document, changes={name: value})
    target = changed.document["scenario"] if name in ("dsa", "omega") else changed.document
    assert target[name] == value
    for section in ("parties", "phases", "lines", "conditions", "mechanisms"):
        assert changed.document[section] == document[section]
