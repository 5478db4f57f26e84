"""Curator admin: list columns, filters, search, per-attribute rationale rows,
history of every change and CSV/JSON import/export with a dry-run preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON
from simple_history.admin import SimpleHistoryAdmin

from catalog import resources
from catalog.choices import ITEM_ATTRIBUTE_NAMES
from catalog.models import (
    Actor,
    BenefitItem,
    CatalogEntry,
    ClauseTemplate,
    Commitment,
    MechanismType,
    RiskKind,
)
from catalog.services import (
    catalog_entry_save_curated,
    entry_current_locked,
    entry_stale_message,
    entry_version,
)


def _flat(row: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (row,) if isinstance(row, str) else tuple(row)


def _attribute_row(name: str, *, half_width: bool = True) -> tuple[str, ...]:
    return (name, f"u_{name}", f"rationale_{name}") if half_width else (name, f"rationale_{name}")


class CatalogEntryForm(forms.ModelForm):
    """Carries the version of the entry the curator opened; saving over a newer version
    is refused with who changed it (the admin wraps clean and save in one transaction,
    and the row stays locked in between)."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the row as stored: the history view passes an old record
            stored = type(self.instance).objects.filter(pk=self.instance.pk).first()
            if stored is not None:
                self.fields["loaded_version"].initial = str(entry_version(stored))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk:
            current = entry_current_locked(self.instance)
            if cleaned.get("loaded_version") != str(entry_version(current)):
                raise forms.ValidationError(entry_stale_message(current), code="stale")
        return cleaned


class CatalogAdmin(ImportExportMixin, SimpleHistoryAdmin):
    """Base admin for catalog entries: saving flags the entry as curated."""

    form = CatalogEntryForm
    import_template_name = "admin/catalog/import.html"  # errors as text, tables that scroll
    import_formats = [CSV, JSON]
    export_formats = [CSV, JSON]
    search_fields = ["name", "slug"]
    readonly_fields = ["locally_modified", "version", "created_at", "updated_at"]
    list_per_page = 100

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        named = {f for _, options in fieldsets for row in options["fields"] for f in _flat(row)}
        if "loaded_version" not in named:
            fieldsets.append((None, {"fields": ["loaded_version"]}))
        return fieldsets

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        assert isinstance(obj, CatalogEntry)
        catalog_entry_save_curated(entry=obj)


@admin.display(description="Label", ordering="label")
def label_badge(obj: BenefitItem) -> str:
    return format_html('<span class="badge label-{}">{}</span>', obj.label, obj.get_label_display())


@admin.register(BenefitItem)
class BenefitItemAdmin(CatalogAdmin):
    resource_classes = [resources.BenefitItemResource]
    list_display = [
        "name",
        "cluster",
        label_badge,
        "power_index",
        "t",
        "r",
        "d",
        "v",
        "levers_apply",
        "locally_modified",
        "updated_at",
    ]
    list_filter = ["cluster", "label", "levers_apply", "locally_modified"]
    search_fields = ["name", "slug", "summary", "description"]
    readonly_fields = ["power_index", "label", *CatalogAdmin.readonly_fields]
    fieldsets = [
        (None, {"fields": ["slug", "name", "cluster", "summary", "description", "precedent"]}),
        ("Frontier-AI levers", {"fields": ["levers_apply", "default_levers"]}),
        (
            "Attributes: value, uncertainty half-width and rationale",
            {
                "fields": [_attribute_row(name) for name in ITEM_ATTRIBUTE_NAMES],
                "description": (
                    "Every value is between 0 and 1, except deterrence impact (q), which "
                    "is signed from -1 to 1 (+ destabilising, - stabilising); half-widths "
                    "are between 0 and 0.5."
                ),
            },
        ),
        ("Derived (computed on save)", {"fields": ["power_index", "label"]}),
        ("Record", {"fields": ["locally_modified", "created_at", "updated_at"]}),
    ]


@admin.register(Commitment)
class CommitmentAdmin(CatalogAdmin):
    resource_classes = [resources.CommitmentResource]
    list_display = [
        "name",
        "burden",
        "verifiability",
        "restraint",
        "race_framing",
        "provider_value",
        "capability_scaled",
        "locally_modified",
    ]
    list_filter = ["restraint", "capability_scaled", "locally_modified"]
    search_fields = ["name", "slug", "summary", "description"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "summary", "description"]}),
        (
            "Attributes and rationales",
            {
                "fields": [
                    _attribute_row("burden"),
                    _attribute_row("verifiability"),
                    _attribute_row("restraint", half_width=False),
                    _attribute_row("race_framing", half_width=False),
                ]
            },
        ),
        (
            "The provider's side",
            {
                "fields": [
                    _attribute_row("provider_value", half_width=False),
                    _attribute_row("capability_scaled", half_width=False),
                ],
                "description": (
                    "Provider value: what one unit of this burden is worth to the provider "
                    "(0 to 5). Capability-scaled: the real burden grows with how close the "
                    "recipient is to the frontier (restraint)."
                ),
            },
        ),
        ("Record", {"fields": ["locally_modified", "created_at", "updated_at"]}),
    ]


DERIVED_FIXED = ("effectiveness", "erosion", "cost", "u_cost")
"""Fields of a derived mechanism type that the scoring model fixes."""


@admin.register(MechanismType)
class MechanismTypeAdmin(CatalogAdmin):
    resource_classes = [resources.MechanismTypeResource]
    list_display = [
        "name",
        "slug",
        "effectiveness",
        "erosion",
        "cost",
        "derived",
        "locally_modified",
    ]
    list_filter = ["derived", "locally_modified"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "summary", "description", "derived"]}),
        (
            "Effect and cost",
            {
                "fields": ["effectiveness", "erosion", ("cost", "u_cost"), "rationale"],
                "description": (
                    "Effectiveness and erosion are between 0 and 1; cost is the provider's "
                    "cost per unit of strength (0 to 5), with its half-width (0 to 0.5)."
                ),
            },
        ),
        ("Record", {"fields": ["locally_modified", "created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        """A derived mechanism's effect is a model parameter (staged reciprocity):
        shown, not edited."""
        fields = list(super().get_readonly_fields(request, obj))
        if isinstance(obj, MechanismType) and obj.derived:
            fields += [*DERIVED_FIXED, "derived"]
        return fields


@admin.register(RiskKind)
class RiskKindAdmin(CatalogAdmin):
    resource_classes = [resources.RiskKindResource]
    list_display = ["name", "slug", "default_weight", "position", "locally_modified"]


@admin.register(Actor)
class ActorAdmin(CatalogAdmin):
    resource_classes = [resources.ActorResource]
    list_display = [
        "name",
        "slug",
        "alignment",
        "capability",
        "security",
        "trust",
        "need",
        "threat",
        "outside_option",
        "locally_modified",
    ]
    list_filter = ["alignment", "locally_modified"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "alignment", "notes"]}),
        (
            "Profile: value, uncertainty half-width and rationale",
            {
                "fields": [
                    _attribute_row(n)
                    for n in ("capability", "security", "trust", "need", "threat", "outside_option")
                ],
                "description": (
                    "Values are between 0 and 1 except the outside option, in value units "
                    "from -5 to 10 (0: the status quo, half-width up to 2)."
                ),
            },
        ),
        ("Record", {"fields": ["locally_modified", "created_at", "updated_at"]}),
    ]


@admin.register(ClauseTemplate)
class ClauseTemplateAdmin(CatalogAdmin):
    """Clause templates of the treaty text: a body that does not compile is refused with
    the line at fault (``ClauseTemplate.clean``); the next treaty text uses the edit."""

    list_display = ["name", "kind", "subject", "article", "condition", "locally_modified"]
    list_filter = ["kind", "article", "condition", "locally_modified"]
    search_fields = ["name", "slug", "subject", "body"]
    fieldsets = [
        (None, {"fields": ["slug", "name", "kind", "subject", "article", "condition", "position"]}),
        (
            "Text",
            {
                "fields": ["definition", "body"],
                "description": (
                    "Template text: {{ provider }}, {{ recipient }}, {{ quantity }} and the "
                    "other names listed at the top of catalog/data/clause_templates.yaml; "
                    "{% if ... %} ... {% endif %} for optional wording. Blank lines end "
                    "paragraphs. Write no figures of your own: numbers come from the draft."
                ),
            },
        ),
        ("Record", {"fields": ["locally_modified", "version", "created_at", "updated_at"]}),
    ]
