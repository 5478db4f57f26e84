"""The builder's repeated markup as template tags (the markup: workbench.builder_html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Engine
from django.template.context import Context
from django.utils.safestring import SafeString

from workbench import builder_html
from workbench.builder_rows import EDIT_FIELDS

register = template.Library()

register.simple_tag(builder_html.label_badge, name="label_badge")
register.simple_tag(builder_html.quantity_text, name="quantity_text")


def _csrf(context: Context) -> SafeString:
    """The CSRF field, formatted once per render (every form of the page shares it)."""
    cached = context.render_context.get("builder_csrf")
    if cached is None:
        token = context.get("csrf_token")
        cached = builder_html.csrf_input(token) if token else builder_html.EMPTY
        context.render_context["builder_csrf"] = cached
    return cached


@register.simple_tag(takes_context=True)
def form_slot(context: Context, url: str, anchor: str) -> SafeString:
    """Where a form loads when its ``<details>`` opens, at the version on screen."""
    return builder_html.form_slot(url, anchor, context["version"])


@register.simple_tag(takes_context=True)
def remove_form(context: Context, url: str, what: str) -> SafeString:
    """A part's Remove button (it asks first)."""
    return builder_html.remove_form(url, what, context["agreement"].version, _csrf(context))


@register.simple_tag(takes_context=True)
def part_actions(
    context: Context, row: dict[str, Any], what: str, columns: int, fields: str
) -> SafeString:
    """A part's Edit form (loaded on demand, or open with what was typed) and Remove button.

    ``fields`` is the template of the Edit form's fields (``builder_rows.EDIT_FIELDS``).
    """

    def open_form() -> SafeString:
        engine = context.template.engine if context.template else Engine.get_default()
        form = engine.get_template("agreements/builder/edit_form.html")
        values = row["form"]
        with context.push(
            url=row["edit_url"],
            values=values,
            key=row["key"],
            css_class="edit-form",
            unsaved=values["unsaved"],
            fields=fields,
        ):
            return form.render(context)

    return builder_html.part_actions(
        row,
        what,
        columns,
        version=context["agreement"].version,
        csrf=_csrf(context),
        open_form=open_form,
    )


@register.simple_tag(takes_context=True)
def line_row(context: Context, line: dict[str, Any]) -> SafeString:
    """One benefit of the builder's table, with its actions for those who can edit."""
    actions = (
        part_actions(context, line, line["item_name"], 5, EDIT_FIELDS["lines"])
        if context.get("can_edit")
        else builder_html.EMPTY
    )
    return builder_html.line_row(
        line,
        saved=context.get("saved_line") == line["key"],
        version=context["agreement"].version,
        actions=actions,
    )
