"""Writes to drafts: revisions, concurrency, validation, fork, restore, import/export."""

import pytest
from django.core.exceptions import ValidationError

from agreements import services
from agreements.models import Agreement, Condition, Line, Mechanism, Party, Phase, Revision
from agreements.storage import document_read
from tests.factories import draft_document, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(team, analyst):
    return make_draft(team=team, author=analyst, lines=3)


def test_blank_draft_starts_at_revision_one(team, analyst):
    agreement = services.agreement_create(
        team=team, author=analyst, title="Blank", purpose="welfare"
    )
    assert agreement.version == 1
    revision = agreement.revisions.get()
    assert (revision.number, revision.author, revision.message) == (
        1,
        analyst,
        "Created a blank draft",
    )
    assert revision.document["parties"] == []


def test_every_change_is_a_numbered_revision_with_a_message(draft, analyst):
    revision = services.part_add(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        data={"item": "datasets", "recipient": "jp", "magnitude": 0.4},
    )
    assert revision.number == 2
    assert revision.message == "Added benefit “Datasets for Japan”"
    assert Line.objects.filter(agreement=draft).count() == 4
    assert Agreement.objects.get(pk=draft.pk).version == 2


def test_stored_rows_always_match_the_latest_revision(draft, analyst):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l2",
        changes={"magnitude": 0.9},
    )
    draft.refresh_from_db()
    assert document_read(draft) == draft.revisions.get(number=2).document


def test_stale_write_is_refused_and_says_who_changed_what(draft, analyst, team):
    services.part_update(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        key="l1",
        changes={"magnitude": 0.2},
    )
    with pytest.raises(services.StaleVersion) as info:
        services.part_update(
            agreement_id=draft.pk,
            expected_version=1,
            author=analyst,
            section="lines",
            key="l1",
            changes={"magnitude": 0.8},
        )
    assert info.value.current == 2
    assert "revision 2 by ana: Changed magnitude of benefit “" in str(info.value)
    assert Line.objects.get(agreement=draft, key="l1").magnitude == 0.2


def test_invalid_change_saves_nothing_and_names_fields(draft, analyst):
    with pytest.raises(ValidationError) as info:
        services.part_add(
            agreement_id=draft.pk,
            expected_version=1,
            author=analyst,
            section="lines",
            data={
                "item": "datasets",
                "recipient": "cn",
                "magnitude": 1.5,
                "levers": {"scope": "narrow"},
            },
        )
    assert set(info.value.message_dict) == {"recipient", "magnitude", "levers"}
    draft.refresh_from_db()
    assert draft.version == 1
    assert Revision.objects.filter(agreement=draft).count() == 1
    assert Line.objects.filter(agreement=draft).count() == 3


def test_shared_weights_with_monitoring_is_refused(draft, analyst):
    with pytest.raises(ValidationError) as info:
        services.part_add(
            agreement_id=draft.pk,
            expected_version=1,
            author=analyst,
            section="lines",
            data={
                "item": "model-weights",
                "recipient": "jp",
                "magnitude": 0.5,
                "levers": {"access_mode": "weights", "monitoring": "realtime"},
            },
        )
    assert "cannot be monitored" in " ".join(info.value.message_dict["levers"])


def test_a_new_frontier_line_starts_with_the_items_default_levers(draft, analyst):
    revision = services.part_add(
        agreement_id=draft.pk,
        expected_version=1,
        author=analyst,
        section="lines",
        data={"item": "narrow-models", "recipient": "jp", "magnitude": 0.5},
    )
    assert revision.document["lines"][-1]["levers"]["scope"] == "narrow"


def test_removing_a_party_removes_its_lines_and_conditions(draft, analyst):
    revision = services.part_remove(
        agreement_id=draft.pk, expected_version=1, author=analyst, section="parties", key="br"
    )
    assert "and its 1 line and its 1 condition" in revision.message
    assert not Party.objects.filter(agreement=draft, key="br").exists()
    assert {line["recipient"] for line in revision.document["lines"]} == {"jp"}


def test_reordering_phases_renumbers_them(draft, analyst):
    revision = services.phase_move(
        agreement_id=draft.pk, expected_version=1, author=analyst, key="p2", offset=-1
    )
    assert [(p["key"], p["order"]) for p in revision.document["phases"]] == [("p2", 1), ("p1", 2)]


def test_an_edit_that_changes_nothing_records_no_revision(draft, analyst):
    revision = services.agreement_update(
        agreement_id=draft.pk, expected_version=1, author=analyst, changes={"title": draft.title}
    )
    assert revision.number == 1
    draft.refresh_from_db()
    assert draft.version == 1


def test_fork_copies_the_draft_and_keeps_keys(draft, analyst):
    fork = services.agreement_fork(agreement=draft, author=analyst)
    assert fork.pk != draft.pk
    assert fork.forked_from == draft.revisions.get(number=1)
    assert fork.title == "Test draft (fork)"
    original = draft.revisions.get().document
    copied = fork.revisions.get().document
    assert [line["key"] for line in copied["lines"]] == [line["key"] for line in original["lines"]]


def test_restore_makes_an_old_revision_current_as_a_new_revision(draft, analyst):
    services.part_remove(
        agreement_id=draft.pk, expected_version=1, author=analyst, section="lines", key="l1"
    )
    revision = services.agreement_restore(
        agreement_id=draft.pk, expected_version=2, author=analyst, number=1
    )
    assert revision.number == 3
    assert revision.message == "Restored revision 1"
    assert revision.document == draft.revisions.get(number=1).document


def test_revisions_are_immutable(draft):
    revision = draft.revisions.get()
    revision.message = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        revision.save()


def test_export_then_import_round_trips_exactly(draft, analyst, team):
    exported = draft.revisions.get().document
    copy = services.agreement_import(team=team, author=analyst, document=exported)
    assert copy.revisions.get().document == exported


def test_import_of_a_bad_document_names_every_problem_and_creates_nothing(team, analyst):
    document = draft_document()
    document["lines"][0]["item"] = "no-such-item"
    document["parties"].append({"key": "us", "actor": "us", "role": "recipient"})
    document["scenario"]["dsa"] = float("nan")
    with pytest.raises(ValidationError) as info:
        services.agreement_import(team=team, author=analyst, document=document)
    errors = info.value.message_dict
    assert "lines[0].item" in errors
    assert "parties[4].key" in errors
    assert "scenario.dsa" in errors
    assert not Agreement.objects.exists()


def test_delete_needs_the_current_version(draft):
    with pytest.raises(services.StaleVersion):
        services.agreement_delete(agreement_id=draft.pk, expected_version=0)
    services.agreement_delete(agreement_id=draft.pk, expected_version=1)
    assert not Agreement.objects.filter(pk=draft.pk).exists()


def test_edits_in_place_keep_the_rows_equal_to_the_document(team, analyst):
    """Field edits update rows in place (ids kept); every kind of edit leaves rows that
    read back as the latest revision's document."""
    draft = make_draft(team=team, author=analyst, lines=4)
    ids = {
        model: dict(model.objects.filter(agreement=draft).values_list("key", "pk"))
        for model in (Party, Phase, Line, Condition, Mechanism)
    }
    version = draft.version
    edits = [
        ("lines", "l2", {"recipient": "jp", "phase": None, "magnitude": 0.9}),
        ("lines", "l3", {"item": "datasets", "phase": "p2", "note": "moved"}),
        ("parties", "jp", {"trust": 0.4, "name": "Nippon"}),
        ("conditions", "c1", {"phase": "p2", "burden": 0.2}),
        ("mechanisms", "m1", {"strength": 0.5, "covers": "recipients"}),
        ("phases", "p1", {"name": "First steps", "duration_months": 12}),
    ]
    for section, key, changes in edits:
        services.part_update(
            agreement_id=draft.pk,
            expected_version=version,
            author=analyst,
            section=section,
            key=key,
            changes=changes,
        )
        version += 1
        stored = Agreement.objects.get(pk=draft.pk)
        assert document_read(stored) == stored.revisions.get(number=version).document, key
    for model, before in ids.items():
        assert dict(model.objects.filter(agreement=draft).values_list("key", "pk")) == before
    services.agreement_update(
        agreement_id=draft.pk,
        expected_version=version,
        author=analyst,
        changes={"title": "Retitled", "dsa": 0.6},
    )
    stored = Agreement.objects.get(pk=draft.pk)
    assert (stored.title, stored.dsa, stored.version) == ("Retitled", 0.6, version + 1)
    assert document_read(stored) == stored.revisions.get(number=version + 1).document
    # A structural edit (a part removed) still rewrites the rows correctly.
    services.part_remove(
        agreement_id=draft.pk,
        expected_version=version + 1,
        author=analyst,
        section="parties",
        key="br",
    )
    stored = Agreement.objects.get(pk=draft.pk)
    assert document_read(stored) == stored.revisions.get(number=version + 2).document
