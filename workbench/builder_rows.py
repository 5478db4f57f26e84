"""The builder's rows, ready to show: every URL is reversed once per pattern and formatted
per row, and each row says whether its Edit form is on the page or loads when opened."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from typing import Any

from django.urls import reverse

from agreements.shape import PARTIES

KEY = "part-key"
"""Placeholder reversed in place of a part's key, then replaced by each row's key."""

ROW_IDS = {
    "parties": "party",
    "phases": "phase",
    "lines": "line",
    "conditions": "condition",
    "mechanisms": "mechanism",
}
"""Element id prefix of a part's row (``line-l1``)."""

EDIT_FIELDS = {
    "parties": "agreements/builder/party_edit_fields.html",
    "phases": "agreements/builder/phase_edit_fields.html",
    "lines": "agreements/builder/line_edit_fields.html",
    "conditions": "agreements/builder/condition_edit_fields.html",
    "mechanisms": "agreements/builder/mechanism_edit_fields.html",
}
"""The fields of each section's Edit form (the form itself: edit_form.html)."""


def url_format(name: str, *args: object) -> Callable[[str], str]:
    """The URL ``name`` reversed once; the result puts a key where the placeholder was.

    Keys are slugs (the URL patterns say so), so they need no quoting.
    """
    head, tail = reverse(name, args=args if KEY in args else (*args, KEY)).split(KEY)
    return lambda key: f"{head}{key}{tail}"


def form_values(row: dict[str, Any]) -> dict[str, Any]:
    """What an Edit form shows: what was typed after a refused edit, else the saved row.

    ``errors`` answers an empty list for a field without errors, so the templates never
    look up a missing name.
    """
    typed = row.get("typed")
    values = {"focus": "", "form_errors": [], "lever_errors": [], **(typed or row)}
    values["unsaved"] = typed is not None
    values["errors"] = defaultdict(list, (typed or {}).get("errors") or {})
    return values


def multiplier_inputs(row: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The valuation-multiplier inputs of a party's Edit form: what was typed after a
    refused edit, else the party's own multipliers (blank: from need, threat and
    capability)."""
    typed = row.get("typed")
    saved = row.get("multipliers") or {}
    inputs = []
    for cluster, label in PARTIES["multipliers"].choices:
        name = f"multiplier_{cluster}"
        inputs.append(
            {
                "name": name,
                "label": label,
                "value": typed.get(name) if typed else saved.get(cluster),
                "errors": values["errors"][name],
            }
        )
    return inputs


def prepare_rows(document: dict[str, Any], *, pk: int, open_forms: Collection[str]) -> None:
    """Give every part of ``document`` (a display copy) what the builder's rows show.

    Adds ``edit_url``, ``remove_url``, ``row_id`` and ``form_open`` (its Edit form is on
    the page: a refused edit, or opened without JavaScript) to every row, ``form``
    (:func:`form_values`) to open ones, ``item_url`` to lines and ``up_url``/``down_url``
    to phases. ``note`` is always there (blank when none).
    """
    item_url = url_format("catalog:item-detail")
    up_url = url_format("workbench:phase-move", pk, KEY, "up")
    down_url = url_format("workbench:phase-move", pk, KEY, "down")
    for section, prefix in ROW_IDS.items():
        edit_url = url_format("workbench:part-update", pk, section)
        remove_url = url_format("workbench:part-remove", pk, section)
        for row in document.get(section, []):
            key = row["key"]
            row["edit_url"] = edit_url(key)
            row["remove_url"] = remove_url(key)
            row["row_id"] = f"{prefix}-{key}"
            row["form_open"] = f"{section}:{key}" in open_forms
            row["form"] = form_values(row) if row["form_open"] else None
            if row["form"] is not None and section == "parties":
                row["form"]["multiplier_inputs"] = multiplier_inputs(row, row["form"])
            row.setdefault("note", "")
            if section == "lines":
                row["item_url"] = item_url(row["item"])
            elif section == "phases":
                row["up_url"] = up_url(key)
                row["down_url"] = down_url(key)
