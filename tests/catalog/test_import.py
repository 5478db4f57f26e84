"""CSV import previews first, and a bad row reports its line and field and imports nothing."""

import csv
import io

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
