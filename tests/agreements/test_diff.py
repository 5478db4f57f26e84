"""The readable difference between two drafts (history page, compare page, API)."""

import copy

from agreements.diff import document_diff
from tests.factories import draft_document


def _changed(old, new):
    return {c["label"]: c["fields"] for c in document_diff(old, new, names={})}


def test_draft_fields_show_their_old_and_new_values():
    old = draft_document(title="Variant A")
    new = copy.deepcopy(old)
    new["title"] = "Variant B"
    new["scenario"]["dsa"] = 0.5
    fields = {f["field"]: (f["old_text"], f["new_text"]) for f in _changed(old, new)["Draft"]}
    assert fields == {"title": ("Variant A", "Variant B"), "dsa": ("0.30", "0.50")}


def test_a_lever_change_names_only_the_levers_that_changed_in_words():
    old = draft_document()
    old["lines"][0]["levers"] = {"access_mode": "api", "monitoring": "realtime", "scope": "general"}
    new = copy.deepcopy(old)
    new["lines"][0]["levers"]["monitoring"] = "periodic_audit"
    new["lines"][0]["magnitude"] = 0.8
    (fields,) = [f for label, f in _changed(old, new).items() if label.startswith("Benefit: ")]
    shown = {f["field"]: (f["old_text"], f["new_text"]) for f in fields}
    assert shown["levers"] == ("monitoring realtime", "monitoring periodic audit")
    assert shown["magnitude"][1] == "0.80"


def test_identical_drafts_have_no_differences():
    document = draft_document(lines=3)
    assert document_diff(document, copy.deepcopy(document), names={}) == []


def test_references_show_by_name_not_by_key():
    old = draft_document(lines=2)
    old["lines"][0]["phase"] = None
    new = copy.deepcopy(old)
    new["lines"][0]["phase"] = "p2"
    changes = document_diff(old, new, names={})
    (phase,) = [f for c in changes for f in c["fields"] if f["field"] == "phase"]
    assert (phase["old_text"], phase["new_text"]) == ("the first phase", "Full deal")
    assert phase["new"] == "p2"  # the raw value stays for the API
    assert all("l1" not in c["label"] for c in changes)


def test_unrelated_drafts_are_matched_by_what_their_parts_are():
    old = draft_document(lines=2)
    new = copy.deepcopy(old)
    # The same benefits under other keys, in another order: nothing differs.
    new["lines"] = [dict(row, key=f"x{i}") for i, row in enumerate(reversed(new["lines"]))]
    assert document_diff(old, new, names={}, by_content=True) == []
    by_key = document_diff(old, new, names={})
    assert {c["kind"] for c in by_key} == {"added", "removed"}
    # A changed magnitude of the same benefit is a change, not a removal and an addition.
    new["lines"][0]["magnitude"] = 0.99
    (change,) = document_diff(old, new, names={}, by_content=True)
    assert change["kind"] == "changed"
    assert [f["field"] for f in change["fields"]] == ["magnitude"]


def test_a_field_set_on_one_side_only_says_not_set_on_the_other():
    old = draft_document()
    new = copy.deepcopy(old)
    new["parties"][1]["need"] = 0.6
    (fields,) = [f for c in document_diff(old, new, names={}) for f in [c["fields"]] if f]
    shown = {f["field"]: (f["old_text"], f["new_text"]) for f in fields}
    assert shown["need"] == ("not set", "0.60")
