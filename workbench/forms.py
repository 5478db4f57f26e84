"""Forms of the builder: they check shape; the services check business rules and
their errors are attached back to the fields here (see ``attach_errors``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator

from accounts.models import Team
from agreements.choices import Purpose
from agreements.choices import Role as PartyRole
from agreements.shape import (
    CONDITIONS,
    DRAFT_FIELDS,
    LINES,
    MECHANISMS,
    PARTIES,
    PHASES,
    SCENARIO_FIELDS,
    Field,
    Kind,
    Target,
)
from agreements.wording import LEVER_LABELS, choice_words
from catalog.choices import LEVER_CHOICES, MAX_GENERATION_LAG, PowerLabel
from catalog.models import Actor, BenefitItem, Commitment, MechanismType
from core.text import UNENCODABLE_MESSAGE, unencodable_path


def widget_attrs(spec: Field) -> dict[str, str]:
    """HTML attributes of a number input for ``spec`` (the page templates use them too)."""
    step = "1" if spec.kind is Kind.INTEGER else spec.step
    return {"step": step, "min": f"{spec.low:g}", "max": f"{spec.high:g}"}


def form_field(
    spec: Field,
    *,
    required: bool | None = None,
    label: str | None = None,
    blank: str | None = None,
    initial: Any = None,
) -> forms.Field:
    """The form field of a declared document field: same bounds, length and choices.

    ``blank`` adds an empty first choice (a nullable choice, or "from the profile").
    References to recipients and phases get their choices per draft (``set_part_choices``).
    """
    required = spec.required if required is None else required
    common: dict[str, Any] = {
        "label": label or spec.label,
        "help_text": spec.help,
        "required": required,
        "initial": spec.default if initial is None else initial,
    }
    if spec.kind is Kind.NUMBER:
        return forms.FloatField(
            min_value=None if spec.low_open else spec.low,
            max_value=spec.high,
            validators=[MinValueExclusive(spec.low)] if spec.low_open else [],
            widget=forms.NumberInput(attrs=widget_attrs(spec)),
            **common,
        )
    if spec.kind is Kind.INTEGER:
        return forms.IntegerField(
            min_value=int(spec.low),
            max_value=int(spec.high),
            widget=forms.NumberInput(attrs=widget_attrs(spec)),
            **common,
        )
    if spec.kind is Kind.TEXT:
        widget = forms.Textarea(attrs={"rows": spec.widget_rows}) if spec.widget_rows else None
        return forms.CharField(max_length=spec.max_length, widget=widget, **common)
    if spec.kind is Kind.CHOICE:
        choices = list(spec.choices)
        if spec.default is not None and not blank:
            common["required"] = True  # the select always holds one of its choices
        return forms.ChoiceField(choices=[("", blank), *choices] if blank else choices, **common)
    if spec.kind is Kind.FLAG:
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind is Kind.REF and spec.target in (Target.RECIPIENT, Target.PHASE):
        return forms.ChoiceField(**common)
    raise ValueError(f"{spec.name}: no generic form field for {spec.kind} {spec.target}")


FIELD_ATTRS: dict[str, dict[str, dict[str, str]]] = {
    section.name: {f.name: widget_attrs(f) for f in section.fields if f.kind is Kind.NUMBER}
    for section in (PARTIES, PHASES, LINES, CONDITIONS, MECHANISMS)
}
"""Number-input attributes of every part's fields, for the hand-written Edit forms."""


class MinValueExclusive(BaseValidator):
    message = "Ensure this value is greater than %(limit_value)s."
    code = "min_value_exclusive"

    def compare(self, a: Any, b: Any) -> bool:
        return bool(a <= b)


CATALOG_DEFAULT = "— the item's default —"


def lever_field(name: str, *, blank: str | None = None) -> forms.ChoiceField:
    """A select for one frontier-AI lever; ``blank`` adds a first option meaning "not
    chosen here" (a new line then takes the catalog item's default for this lever)."""
    if name == "generation_lag":
        choices = [(str(n), str(n)) for n in range(MAX_GENERATION_LAG + 1)]
    else:
        choices = [(c, choice_words(c)) for c in LEVER_CHOICES[name]]
    return forms.TypedChoiceField(
        label=LEVER_LABELS.get(name, name.replace("_", " ").capitalize()),
        choices=[("", blank), *choices] if blank is not None else choices,
        coerce=int if name == "generation_lag" else str,
        empty_value="",
        required=False,
    )


class VersionedForm(forms.Form):
    """Every write names the version of the draft it edits."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        """The cleaned values without the version."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    def data_for_service(self) -> dict[str, Any]:
        """What an add form gives ``part_add`` (its fields, minus the version)."""
        return self.values()

    def changes(self, *, levers_apply: bool = False) -> dict[str, Any]:
        """What an Edit form gives ``part_update`` (its fields, minus the version)."""
        return self.values()

    lever_group: tuple[str, ...] = ()
    """Fields shown together under ``group_legend`` (a line's frontier-AI levers)."""
    group_legend = "Frontier-AI levers (used only for frontier-AI access items)"

    def layout(self) -> list[dict[str, Any]]:
        """Field groups for the generic add form: main fields, levers, then the note."""
        visible = [f for f in self.visible_fields() if f.name not in (*self.lever_group, "note")]
        groups = [{"legend": "", "css_class": "grid grid-3", "fields": visible}]
        if self.lever_group:
            groups.append(
                {
                    "legend": self.group_legend,
                    "css_class": "grid grid-3",
                    "fields": [self[name] for name in self.lever_group],
                }
            )
        if "note" in self.fields:
            groups.append({"legend": "", "css_class": "", "fields": [self["note"]]})
        return groups


def attach_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's validation errors next to the matching fields."""
    messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for field, texts in messages.items():
        name = field.split(".", 1)[0]
        target = name if name in form.fields else None
        for text in texts:
            form.add_error(
                target, text if target else f"{field}: {text}" if field != "__all__" else text
            )


class DraftCreateForm(forms.Form):
    title = forms.CharField(max_length=200)
    purpose = forms.ChoiceField(choices=Purpose.choices, initial=Purpose.COALITION)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams


class TemplateStartForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams


class ForkForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Title of the fork")


class ImportForm(forms.Form):
    file = forms.FileField(label="Draft JSON file", help_text="A file exported from Windfall.")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams

    def clean_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            raise ValidationError("The file is larger than 2 MB.")
        try:
            document = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(f"This is not a JSON file: {exc}") from None
        except RecursionError:
            raise ValidationError("This JSON file is nested too deeply.") from None
        if not isinstance(document, dict):
            raise ValidationError("The file must hold one JSON object (an exported draft).")
        if not {"format", "title", "parties", "lines"} & set(document):
            raise ValidationError(
                "This JSON file is not a Windfall draft: it has no title, parties or benefits. "
                "Import a file saved with a draft's Export JSON button."
            )
        path = unencodable_path(document)
        if path is not None:
            raise ValidationError(f"{path or 'The file'}: {UNENCODABLE_MESSAGE}")
        return document


class DraftSettingsForm(VersionedForm):
    title = form_field(DRAFT_FIELDS["title"])
    purpose = form_field(DRAFT_FIELDS["purpose"])
    status = form_field(DRAFT_FIELDS["status"])
    notes = form_field(DRAFT_FIELDS["notes"])
    dsa = form_field(SCENARIO_FIELDS["dsa"], required=True)
    dsa_uncertainty = form_field(SCENARIO_FIELDS["dsa_uncertainty"])
    omega = form_field(SCENARIO_FIELDS["omega"])
    min_participation = form_field(SCENARIO_FIELDS["min_participation"], required=False)

    def changes(self, *, levers_apply: bool = False) -> dict[str, Any]:
        data = self.values()
        data["min_participation"] = data.get("min_participation") or 0
        return data


class PartyForm(VersionedForm):
    actor = forms.ModelChoiceField(
        queryset=Actor.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="— another state (describe it below) —",
    )
    role = form_field(PARTIES["role"], initial=PartyRole.RECIPIENT)
    name = form_field(PARTIES["name"])
    alignment = form_field(PARTIES["alignment"], blank="— from the profile —")
    trust = form_field(PARTIES["trust"])
    capability = form_field(PARTIES["capability"])
    security = form_field(PARTIES["security"])
    need = form_field(PARTIES["need"])
    threat = form_field(PARTIES["threat"])
    outside_option = form_field(PARTIES["outside_option"])
    note = form_field(PARTIES["note"])

    multiplier_group = tuple(f"multiplier_{cluster}" for cluster in PARTIES["multipliers"].values)
    group_legend = "Valuation multipliers (blank: from need, threat and capability)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(multiplier_fields())
        self.lever_group = self.multiplier_group

    def data_for_service(self) -> dict[str, Any]:
        data = self.values()
        actor = data.pop("actor")
        data["actor"] = actor.slug if actor else None
        data["alignment"] = data.get("alignment") or None
        multipliers = {
            cluster: data.pop(name)
            for name, cluster in zip(
                self.multiplier_group, PARTIES["multipliers"].values, strict=True
            )
        }
        data["multipliers"] = {k: v for k, v in multipliers.items() if v is not None} or None
        return data


class PhaseForm(VersionedForm):
    name = form_field(PHASES["name"])
    reversible = form_field(PHASES["reversible"], initial=False)
    duration_months = form_field(PHASES["duration_months"])
    description = form_field(PHASES["description"])


def _keyed_choices(
    rows: list[Mapping[str, Any]], label: str, *, blank: str | None
) -> list[tuple[str, str]]:
    choices = [(row["key"], row.get(label) or row["key"]) for row in rows]
    return [("", blank), *choices] if blank is not None else choices


class LineForm(VersionedForm):
    item = forms.ModelChoiceField(
        queryset=BenefitItem.objects.order_by("name"), to_field_name="slug"
    )
    recipient = form_field(LINES["recipient"])
    magnitude = form_field(LINES["magnitude"])
    phase = form_field(LINES["phase"])
    amount = form_field(LINES["amount"])
    unit = form_field(LINES["unit"])
    duration_months = form_field(LINES["duration_months"])
    scope = lever_field("scope", blank=CATALOG_DEFAULT)
    generation_lag = lever_field("generation_lag", blank=CATALOG_DEFAULT)
    output_controls = lever_field("output_controls", blank=CATALOG_DEFAULT)
    monitoring = lever_field("monitoring", blank=CATALOG_DEFAULT)
    access_mode = lever_field("access_mode", blank=CATALOG_DEFAULT)
    throttling = lever_field("throttling", blank=CATALOG_DEFAULT)
    disclosure = lever_field("disclosure", blank=CATALOG_DEFAULT)
    note = form_field(LINES["note"])

    lever_names = tuple(LEVER_LABELS)
    lever_group = lever_names

    def __init__(self, *args: Any, document: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipients = [p for p in document["parties"] if p["role"] == PartyRole.RECIPIENT]
        cast(forms.ChoiceField, self.fields["recipient"]).choices = [
            (p["key"], p.get("display") or p["key"]) for p in recipients
        ]
        cast(forms.ChoiceField, self.fields["phase"]).choices = _keyed_choices(
            document["phases"], "name", blank="— no phase —"
        )

    def data_for_service(self) -> dict[str, Any]:
        data = self.values()
        item = data.pop("item")
        levers = {name: data.pop(name) for name in self.lever_names}
        data["item"] = item.slug
        data["phase"] = data.get("phase") or None
        # Only the levers chosen here: the service fills the others from the catalog item.
        chosen = {k: v for k, v in levers.items() if v not in ("", None)}
        data["levers"] = chosen if item.levers_apply else None
        return data


class ConditionForm(VersionedForm):
    commitment = forms.ModelChoiceField(
        queryset=Commitment.objects.order_by("name"), to_field_name="slug"
    )
    recipient = form_field(CONDITIONS["recipient"])
    burden = form_field(CONDITIONS["burden"])
    verifiability = form_field(CONDITIONS["verifiability"])
    reversible = form_field(CONDITIONS["reversible"])
    phase = form_field(CONDITIONS["phase"])
    amount = form_field(CONDITIONS["amount"])
    unit = form_field(CONDITIONS["unit"])
    duration_months = form_field(CONDITIONS["duration_months"])
    note = form_field(CONDITIONS["note"])

    def __init__(self, *args: Any, document: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipients = [p for p in document["parties"] if p["role"] == PartyRole.RECIPIENT]
        cast(forms.ChoiceField, self.fields["recipient"]).choices = [
            (p["key"], p.get("display") or p["key"]) for p in recipients
        ]
        cast(forms.ChoiceField, self.fields["phase"]).choices = _keyed_choices(
            document["phases"], "name", blank="— no phase —"
        )

    def data_for_service(self) -> dict[str, Any]:
        data = self.values()
        data["commitment"] = data["commitment"].slug
        data["phase"] = data.get("phase") or None
        return data


class MechanismForm(VersionedForm):
    type = forms.ModelChoiceField(
        label="Mechanism",
        queryset=MechanismType.objects.filter(derived=False).order_by("name"),
        to_field_name="slug",
    )
    strength = form_field(MECHANISMS["strength"])
    covers = form_field(MECHANISMS["covers"])
    phase = form_field(MECHANISMS["phase"])
    note = form_field(MECHANISMS["note"])

    def __init__(self, *args: Any, document: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["phase"]).choices = _keyed_choices(
            document["phases"], "name", blank="— the first phase —"
        )

    def data_for_service(self) -> dict[str, Any]:
        data = self.values()
        data["type"] = data["type"].slug
        data["phase"] = data.get("phase") or None
        return data


class CompareForm(forms.Form):
    """Analyst weights for comparing drafts (SMAA also samples every other weighting)."""

    credibility = forms.FloatField(min_value=0, max_value=10, initial=1, required=False)
    risk_overall = forms.FloatField(
        label="Overall risk", min_value=0, max_value=10, initial=1, required=False
    )
    power_sharing = forms.FloatField(
        label="Power-sharing", min_value=0, max_value=10, initial=1, required=False
    )
    min_net_incentive = forms.FloatField(
        label="Weakest net incentive", min_value=0, max_value=10, initial=1, required=False
    )
    leverage = forms.FloatField(min_value=0, max_value=10, initial=1, required=False)
    viability = forms.FloatField(min_value=0, max_value=10, initial=1, required=False)
    power_direction = forms.ChoiceField(
        label="Power-sharing counts as",
        choices=[("down", "a cost (less is better)"), ("up", "a benefit (more is better)")],
        initial="down",
        required=False,
    )

    criteria = (
        "credibility",
        "risk_overall",
        "power_sharing",
        "min_net_incentive",
        "leverage",
        "viability",
    )

    def weights(self) -> dict[str, float]:
        values = {name: self.cleaned_data.get(name) for name in self.criteria}
        weights = {k: (1.0 if v is None else float(v)) for k, v in values.items()}
        return weights if sum(weights.values()) > 0 else dict.fromkeys(self.criteria, 1.0)


class LineUpdateForm(VersionedForm):
    """Change a line's magnitude, phase and levers (item and recipient stay)."""

    magnitude = form_field(LINES["magnitude"])
    phase = forms.CharField(required=False, max_length=32)
    amount = form_field(LINES["amount"])
    unit = form_field(LINES["unit"])
    duration_months = form_field(LINES["duration_months"])
    scope = lever_field("scope")
    generation_lag = lever_field("generation_lag")
    output_controls = lever_field("output_controls")
    monitoring = lever_field("monitoring")
    access_mode = lever_field("access_mode")
    throttling = lever_field("throttling")
    disclosure = lever_field("disclosure")

    def changes(self, *, levers_apply: bool = False) -> dict[str, Any]:
        data = self.values()
        levers = {name: data.pop(name) for name in LEVER_LABELS}
        data["phase"] = data.get("phase") or None
        if levers_apply:
            data["levers"] = {k: v for k, v in levers.items() if v not in ("", None)}
        return data


class ConditionUpdateForm(VersionedForm):
    burden = form_field(CONDITIONS["burden"])
    verifiability = form_field(CONDITIONS["verifiability"])
    reversible = form_field(CONDITIONS["reversible"], initial=False)
    phase = forms.CharField(required=False, max_length=32)
    amount = form_field(CONDITIONS["amount"])
    unit = form_field(CONDITIONS["unit"])
    duration_months = form_field(CONDITIONS["duration_months"])

    def changes(self, *, levers_apply: bool = False) -> dict[str, Any]:
        data = self.values()
        data["phase"] = data.get("phase") or None
        return data


class MechanismUpdateForm(VersionedForm):
    strength = form_field(MECHANISMS["strength"])
    covers = form_field(MECHANISMS["covers"])
    phase = forms.CharField(required=False, max_length=32)

    def changes(self, *, levers_apply: bool = False) -> dict[str, Any]:
        data = self.values()
        data["phase"] = data.get("phase") or None
        return data


def multiplier_fields() -> dict[str, forms.Field]:
    """One optional number field per benefit cluster (``multiplier_<cluster>``)."""
    fields = {}
    for cluster, label in PARTIES["multipliers"].choices:
        spec = replace(PARTIES["multipliers"], kind=Kind.NUMBER, name=cluster, step="0.05")
        fields[f"multiplier_{cluster}"] = form_field(spec, label=label, required=False)
        fields[f"multiplier_{cluster}"].help_text = ""
    return fields


FIELD_ATTRS["parties"]["multiplier"] = widget_attrs(
    replace(PARTIES["multipliers"], kind=Kind.NUMBER, name="multiplier", step="0.05")
)  # a valuation multiplier's inputs, written by hand in the party's Edit form


class PartyUpdateForm(VersionedForm):
    role = form_field(PARTIES["role"])
    trust = form_field(PARTIES["trust"])
    capability = form_field(PARTIES["capability"])
    security = form_field(PARTIES["security"])
    need = form_field(PARTIES["need"])
    threat = form_field(PARTIES["threat"])
    outside_option = form_field(PARTIES["outside_option"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(multiplier_fields())

    def changes(self, *, levers_apply: bool = False) -> dict[str, Any]:
        """The fields, with the multipliers as one mapping (blank clusters left out)."""
        data = self.values()
        multipliers = {
            cluster: data.pop(f"multiplier_{cluster}") for cluster in PARTIES["multipliers"].values
        }
        data["multipliers"] = {k: v for k, v in multipliers.items() if v is not None} or None
        return data


class PhaseUpdateForm(VersionedForm):
    name = form_field(PHASES["name"])
    reversible = form_field(PHASES["reversible"], initial=False)
    duration_months = form_field(PHASES["duration_months"])


class AssistantForm(forms.Form):
    """What to ask the design assistant about a draft (the builder's assistant section).

    ``goal`` is ``in_force``, ``credibility``, ``risk`` or ``sign:<recipient key>``.
    """

    KINDS = (("suggestions", "Single edits"), ("package", "Package"))

    kind = forms.ChoiceField(choices=KINDS)
    goal = forms.ChoiceField(label="Goal")
    risk_max = forms.FloatField(
        label="Overall risk at most",
        required=False,
        min_value=0,
        max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    keep_label = forms.ChoiceField(label="Keep the label", required=False)
    max_edits = forms.IntegerField(
        label="Edits in a package, at most", min_value=1, max_value=4, initial=4
    )

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = cast(forms.ChoiceField, self.fields["goal"])
        goal.choices = [
            ("in_force", "Bring it into force (everyone, or the coalition's threshold, signs)"),
            *((f"sign:{key}", f"Make {name} sign") for key, name in recipients),
            ("credibility", "Raise credibility"),
            ("risk", "Lower overall risk while every signer still signs"),
        ]
        label = cast(forms.ChoiceField, self.fields["keep_label"])
        label.choices = [("", "Any label"), *PowerLabel.choices]

    def options(self) -> tuple[str, dict[str, Any]]:
        """The kind of answer and the options of ``scoring.assistant``, once valid."""
        data = self.cleaned_data
        goal, _, recipient = data["goal"].partition(":")
        options: dict[str, Any] = {
            "risk_max": data.get("risk_max"),
            "keep_label": data.get("keep_label") or None,
        }
        if data["kind"] == "package":
            options["max_edits"] = data.get("max_edits") or 4
        else:
            options.update(goal=goal, recipient=recipient or None)
        return data["kind"], options
