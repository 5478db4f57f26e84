"""CSV import previews first, and a bad row reports its line and field and imports nothing."""

import csv
import io
import re

import pytest
from import_export.formats.base_formats import CSV

from catalog.models import BenefitItem
from catalog.resources import BenefitItemResource

pytestmark = pytest.mark.django_db


def _csv(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _exported_rows() -> list[dict[str, object]]:
    dataset = BenefitItemResource().export(BenefitItem.objects.order_by("slug"))
    return list(csv.DictReader(io.StringIO(CSV().export_data(dataset))))


def test_dry_run_reports_changes_without_writing():
    rows = _exported_rows()[:2]
    rows[0]["v"] = "0.33"
    result = BenefitItemResource().import_data(
        __import__("tablib").Dataset().load(_csv(rows), format="csv"), dry_run=True
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == 1 and result.totals["skip"] == 1
    assert BenefitItem.objects.get(slug=rows[0]["slug"]).v != 0.33


def test_bad_row_names_line_and_field_and_imports_nothing():
    import tablib

    rows = _exported_rows()[:3]
    rows[0]["v"] = "0.31"
    rows[2]["d"] = "2.5"
    result = BenefitItemResource().import_data(
        tablib.Dataset().load(_csv(rows), format="csv"), dry_run=False, use_transactions=True
    )
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 3
    assert "d" in invalid.field_specific_errors
    assert BenefitItem.objects.get(slug=rows[0]["slug"]).v != 0.31


def test_admin_import_shows_preview_then_confirms(client, curator):
    client.force_login(curator)
    rows = _exported_rows()[:1]
    rows[0]["v"] = "0.37"
    upload = io.BytesIO(_csv(rows).encode())
    upload.name = "items.csv"
    response = client.post(
        "/admin/catalog/benefititem/import/",
        {"format": "0", "import_file": upload, "resource": "0"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview" in page and rows[0]["slug"] in page
    assert BenefitItem.objects.get(slug=rows[0]["slug"]).v != 0.37


def test_admin_import_shows_each_error_as_text_with_its_row_and_column(client, curator):
    client.force_login(curator)
    rows = _exported_rows()[:3]
    rows[1]["d"] = "2.5"
    rows[2]["v"] = "lots"
    upload = io.BytesIO(_csv(rows).encode())
    upload.name = "items.csv"
    response = client.post(
        "/admin/catalog/benefititem/import/",
        {"format": "0", "import_file": upload, "resource": "0"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    listed = re.search(r'<ol class="import-errors"[^>]*>(.*?)</ol>', page, re.S)
    assert listed, "the errors are listed as text, not in a hover box"
    items = [
        " ".join(re.sub(r"<[^>]+>", "", li).split())
        for li in re.findall(r"<li>(.*?)</li>", listed[1], re.S)
    ]
    assert len(items) == 2
    assert items[0] == "Row 2, column d: Ensure this value is less than or equal to 1.0."
    assert items[1].startswith("Row 3, column v: ") and len(items[1]) > len("Row 3, column v: ")
    assert "validation-error-container" not in page  # the package's hover-only box
    assert 'class="import-scroll"' in page and "css/admin-import.css" in page
    assert BenefitItem.objects.filter(d=2.5).count() == 0


NEW_ACTOR_COLUMNS = {
    "need", "u_need", "rationale_need", "threat", "u_threat", "rationale_threat",
    "outside_option", "u_outside_option", "rationale_outside_option",
}  # fmt: skip


def test_an_actor_file_from_before_model_2027_still_imports_with_documented_defaults():
    """Old exports lack need, threat and outside option: an updated row keeps its stored
    values; a new row gets the model defaults (0.5, 0.5, 0) and an uncurated rationale."""
    import tablib

    from catalog.models import UNCURATED, Actor
    from catalog.resources import ActorResource

    exported = ActorResource().export(Actor.objects.filter(slug__in=["in", "ng"]).order_by("slug"))
    rows = [
        {k: v for k, v in row.items() if k not in NEW_ACTOR_COLUMNS}
        for row in csv.DictReader(io.StringIO(CSV().export_data(exported)))
    ]
    assert rows and NEW_ACTOR_COLUMNS.isdisjoint(rows[0])
    rows[0]["trust"] = "0.52"
    rows.append({**rows[1], "slug": "xx", "name": "Newland"})
    result = ActorResource().import_data(tablib.Dataset().load(_csv(rows), format="csv"))
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    india = Actor.objects.get(slug="in")
    assert india.trust == 0.52 and (india.need, india.threat) == (0.7, 0.6)
    new = Actor.objects.get(slug="xx")
    assert (new.need, new.threat, new.outside_option) == (0.5, 0.5, 0.0)
    assert new.rationale_need == UNCURATED and new.locally_modified


def test_export_carries_the_new_fields_and_import_checks_their_bounds():
    import tablib

    from catalog.models import Commitment
    from catalog.resources import CommitmentResource

    exported = CommitmentResource().export(Commitment.objects.order_by("slug"))
    rows = list(csv.DictReader(io.StringIO(CSV().export_data(exported))))
    assert {"provider_value", "capability_scaled", "rationale_provider_value"} <= set(rows[0])
    rows[0]["provider_value"] = "7"
    result = CommitmentResource().import_data(tablib.Dataset().load(_csv(rows), format="csv"))
    assert result.has_validation_errors()
    assert "provider_value" in result.invalid_rows[0].field_specific_errors
