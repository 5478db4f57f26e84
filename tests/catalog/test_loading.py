"""Loading shipped data is idempotent and keeps curator edits unless reset."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.models import BenefitItem, Commitment
from catalog.services import DATA_DIR, CatalogDataError, catalog_entry_save_curated, catalog_load

pytestmark = pytest.mark.django_db


def _history_rows() -> int:
    return BenefitItem.history.count() + Commitment.history.count()


def test_loading_twice_changes_nothing():
    before = _history_rows()
    snapshot = list(BenefitItem.objects.order_by("slug").values())
    report = catalog_load()
    assert report.total("created") == report.total("updated") == 0
    assert report.total("unchanged") > 40
    assert list(BenefitItem.objects.order_by("slug").values()) == snapshot
    assert _history_rows() == before


def test_curator_edit_survives_reload_until_reset():
    item = BenefitItem.objects.get(slug="disaster-insurance")
    shipped_value = item.v
    item.v = 0.99
    catalog_entry_save_curated(entry=item)

    report = catalog_load()
    item.refresh_from_db()
    assert item.v == 0.99 and item.locally_modified
    assert "benefit item: disaster-insurance" in report.kept

    catalog_load(reset=["disaster-insurance"])
    item.refresh_from_db()
    assert item.v == shipped_value and not item.locally_modified


def test_reset_all_restores_every_curated_entry():
    commitment = Commitment.objects.get(slug="non-proliferation")
    commitment.burden = 0.01
    catalog_entry_save_curated(entry=commitment)
    catalog_load(reset=True)
    commitment.refresh_from_db()
    assert commitment.burden != 0.01 and not commitment.locally_modified


def test_command_reports_counts_and_kept_edits():
    item = BenefitItem.objects.get(slug="datasets")
    catalog_entry_save_curated(entry=item)
    out = StringIO()
    call_command("catalog_load", stdout=out)
    assert "benefit items:" in out.getvalue()
    assert "kept curator edit of benefit item: datasets" in out.getvalue()


def test_a_bad_shipped_entry_names_file_entry_and_field_and_loads_nothing(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "benefit_items.yaml"
    text = path.read_text()
    path.write_text(text.replace("p: {value: 0.05, u: 0.05", "p: {value: 1.7, u: 0.05", 1))
    BenefitItem.objects.filter(slug="monetary-aid-governments").delete()
    with pytest.raises(CatalogDataError) as info:
        catalog_load(data_dir=data)
    assert "benefit_items.yaml: entry 1 (monetary-aid-governments): p:" in str(info.value)
    assert not BenefitItem.objects.filter(slug="monetary-aid-governments").exists()


def test_reload_fills_values_no_curator_set_on_a_kept_entry_and_nothing_else():
    """An entry a curator edited before model 2027.1 keeps the edit, but its new inputs,
    still at the migration's provisional values, take the shipped ones."""
    from catalog.models import PROVISIONAL, UNCURATED, Actor

    actor = Actor.objects.get(slug="in")
    shipped = (actor.need, actor.u_need, actor.rationale_need)
    actor.trust = 0.33
    actor.need, actor.rationale_need = 0.5, PROVISIONAL
    actor.threat, actor.rationale_threat = 0.45, "A curator's own reading of the border disputes."
    actor.rationale_outside_option = UNCURATED
    catalog_entry_save_curated(entry=actor)

    report = catalog_load()
    actor.refresh_from_db()
    assert actor.locally_modified and actor.trust == 0.33
    assert (actor.need, actor.u_need, actor.rationale_need) == shipped
    assert actor.threat == 0.45 and actor.rationale_threat.startswith("A curator's")
    assert actor.rationale_outside_option not in (UNCURATED, PROVISIONAL)
    assert report.filled == ["actor: in"] and "actor: in" in report.kept
    assert catalog_load().filled == []
