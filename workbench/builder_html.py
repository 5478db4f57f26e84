"""The builder's repeated markup, built in Python: benefit rows and every row's actions.

A draft of 60 benefits shows 60 rows, each with an Edit form slot and a Remove form;
rendered by Django templates (five includes a row) they were two thirds of the page's
cost. Like the Django admin's changelist rows (``items_for_result``), these pieces are
built in Python. Every value goes through :func:`esc` (Django's escaping: ``& < > " '``),
unless it is already safe markup. Each piece of markup lives here once; the templates use
it through the tags of ``{% load builder %}`` (``workbench/templatetags/builder.py``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.safestring import SafeData, SafeString, mark_safe

from core.templatetags.numbers import floatformat


def _built(markup: str) -> SafeString:
    """Markup built here, marked safe: the one place this module does so. Every value in
    it went through :func:`esc` (or is markup built here)."""
    return mark_safe(markup)  # noqa: S308 (see the docstring)


EMPTY = _built("")


def esc(value: object) -> str:
    """``value`` escaped for HTML text or a quoted attribute (safe markup unchanged)."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def csrf_input(token: object) -> SafeString:
    """The hidden CSRF field of a form (what ``{% csrf_token %}`` writes)."""
    return _built(f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(token)}">')


def label_badge(label: str, text: str) -> SafeString:
    """A power-sharing label as a coloured badge (as ``components/label_badge.html``)."""
    return _built(
        f'<span class="badge label-{esc(label)}" '
        f'title="Power-sharing label at full magnitude">{esc(text)}</span>'
    )


def quantity_text(row: Mapping[str, Any]) -> SafeString:
    """A line's or condition's stated quantity, on its own line (nothing when none)."""
    amount, months = row.get("amount"), row.get("duration_months")
    if not (amount or months):
        return EMPTY
    said = []
    if amount:
        said.append(f"{esc(floatformat(amount, 'g'))} {esc(row.get('unit', ''))}")
    if months:
        said.append(f"{esc(floatformat(months, 'g'))} months")
    return _built(f'<br><small class="muted">{" · ".join(said)}</small>')


def note_text(row: Mapping[str, Any]) -> SafeString:
    """A part's note under its name, cut by CSS with the whole text as its title."""
    if not row.get("note"):
        return EMPTY
    note = esc(row["note"])
    return _built(f'<br><small class="muted note" title="{note}">{note}</small>')


def form_slot(url: str, anchor: str, version: int) -> SafeString:
    """Where a form loads (htmx) the first time its ``<details>`` opens.

    It asks for the version on screen (windfall.js keeps version inputs current), so a
    form opened late still edits what the page shows. Without JavaScript it is a link to
    the builder with this form open.
    """
    url = esc(url)
    return _built(
        f'<div class="form-slot" data-form-for="{url}" hx-get="{url}" '
        'hx-trigger="toggle from:closest details once" hx-include="find input" '
        'hx-target="this" hx-swap="outerHTML">'
        f'<input type="hidden" name="version" value="{esc(version)}">'
        f'<a href="{url}#{esc(anchor)}">Open the form</a></div>'
    )


def remove_form(url: str, what: str, version: int, csrf: SafeString) -> SafeString:
    """A part's Remove button, which asks first."""
    url, what = esc(url), esc(what)
    return _built(
        f'<form method="post" action="{url}" hx-post="{url}" hx-confirm="Remove {what}?" '
        f'class="inline">{csrf}<input type="hidden" name="version" value="{esc(version)}">'
        f'<button type="submit" class="button small danger" aria-label="Remove {what}">'
        "Remove</button></form>"
    )


def part_actions(
    row: Mapping[str, Any],
    what: str,
    columns: int,
    *,
    version: int,
    csrf: SafeString,
    open_form: Callable[[], SafeString],
) -> SafeString:
    """The row under a part's row: its Edit form (in a ``<details>``) and Remove button.

    The form loads when the ``<details>`` opens, unless it is on the page already
    (``row["form_open"]``: a refused edit, with what was typed, or opened without
    JavaScript); ``open_form`` renders it then.
    """
    is_open = row["form_open"]
    form = open_form() if is_open else form_slot(row["edit_url"], row["row_id"], version)
    return _built(
        f'<tr class="part-actions-row"><td colspan="{esc(columns)}"><div class="part-actions">'
        f"<details{' open' if is_open else ''}>"
        f'<summary aria-label="Edit {esc(what)}">Edit</summary>{form}</details>'
        f"{remove_form(row['remove_url'], what, version, csrf)}</div></td></tr>"
    )


def line_row(
    line: Mapping[str, Any],
    *,
    saved: bool,
    version: int,
    actions: SafeString,
) -> SafeString:
    """One benefit of the builder's table as a ``<tbody>``: its row, the "saved" notice
    after an edit of it, and its ``actions`` (:func:`part_actions`, empty for readers).

    A saved line edit swaps only this tbody (htmx, out of band), so the page keeps its
    scroll and the other forms what was typed.
    """
    badge = label_badge(line["item_label"], line["item_label_display"])
    levers = (
        esc(line["levers_text"]) if line["levers"] is not None else '<span class="muted">—</span>'
    )
    cells = (
        f'<td><a href="{esc(line["item_url"])}">{esc(line["item_name"])}</a><br>{badge}'
        f"{quantity_text(line)}{note_text(line)}</td>"
        f"<td>{esc(line['recipient_name'])}</td>"
        f'<td class="num">{esc(floatformat(line["magnitude"], 2))}</td>'
        f"<td>{esc(line['phase_name'] or '—')}</td>"
        f'<td class="small">{levers}</td>'
    )
    notice = (
        '<tr class="saved-row"><td colspan="5"><p class="message message-success small" '
        f'role="status" tabindex="-1" data-focus-here>Saved as revision {esc(version)}. '
        '<button type="submit" class="button small" form="undo-form" '
        'aria-label="Undo this change">Undo</button></p></td></tr>'
        if saved
        else ""
    )
    marked = ' data-saved="true" hx-swap-oob="true"' if saved else ""
    return _built(
        f'<tbody class="part" id="{esc(line["row_id"])}"{marked}><tr>{cells}</tr>'
        f"{notice}{actions}</tbody>"
    )
