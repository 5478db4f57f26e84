"""The builder's row markup built in Python: every value escaped, the right pieces shown."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString

from workbench import builder_html

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"


def line(**changes: Any) -> dict[str, Any]:
    return {
        "key": "l1",
        "row_id": "line-l1",
        "item_url": "/catalog/items/api-access/",
        "item_name": HOSTILE,
        "item_label": "sharing",
        "item_label_display": "Power-sharing",
        "recipient_name": HOSTILE,
        "magnitude": 0.125,
        "phase_name": "",
        "levers": None,
        "levers_text": "",
        "note": HOSTILE,
        "amount": 2000000.0,
        "unit": "USD",
        "duration_months": 24,
        "edit_url": "/drafts/1/lines/l1/edit/",
        "remove_url": "/drafts/1/lines/l1/remove/",
        "form_open": False,
        **changes,
    }


def actions(row: dict[str, Any], opened: str = "<form>typed</form>") -> str:
    return builder_html.part_actions(
        row,
        row["item_name"],
        5,
        version=7,
        csrf=builder_html.csrf_input('tok"en'),
        open_form=lambda: SafeString(opened),
    )


def test_every_value_is_escaped() -> None:
    html = builder_html.line_row(line(), saved=False, version=7, actions=actions(line()))
    assert "<script>" not in html
    assert (
        html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;")
        == 7
    )
    assert 'value="tok&quot;en"' in html


def test_a_row_shows_its_numbers_as_the_templates_did() -> None:
    html = builder_html.line_row(line(), saved=False, version=7, actions=builder_html.EMPTY)
    assert '<td class="num">0.13</td>' in html  # floatformat:2 rounds half up
    assert "2,000,000 USD · 24 months" in html
    assert '<td class="small"><span class="muted">—</span></td>' in html  # no levers
    assert "<td>—</td>" in html  # no phase
    assert "part-actions" not in html  # readers get no actions


def test_an_edit_form_loads_on_demand_unless_it_is_open() -> None:
    closed = actions(line())
    assert 'data-form-for="/drafts/1/lines/l1/edit/"' in closed
    assert '<input type="hidden" name="version" value="7">' in closed
    assert '<details><summary aria-label="Edit' in closed
    opened = actions(line(form_open=True))
    assert "form-slot" not in opened
    assert "<details open>" in opened and "<form>typed</form>" in opened
    assert 'action="/drafts/1/lines/l1/remove/"' in opened


def test_a_saved_line_says_so_and_swaps_out_of_band() -> None:
    html = builder_html.line_row(line(), saved=True, version=8, actions=builder_html.EMPTY)
    assert 'data-saved="true" hx-swap-oob="true"' in html
    assert "Saved as revision 8." in html
    unsaved = builder_html.line_row(line(), saved=False, version=8, actions=builder_html.EMPTY)
    assert "Saved as revision" not in unsaved and "hx-swap-oob" not in unsaved
