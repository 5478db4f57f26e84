"""Forms of the builder: they check shape; the services check business rules and
their errors are attached back to the fields here (see ``attach_errors``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Team
from agreements.choices import Covers, Purpose, Status
from agreements.choices import Role as PartyRole
from catalog.choices import LEVER_CHOICES, MAX_GENERATION_LAG, Alignment
from catalog.models import Actor, BenefitItem, Commitment, MechanismType
from core.text import UNENCODABLE_MESSAGE, unencodable_path

LEVER_LABELS = {
    "scope": "Scope",
    "generation_lag": "Generations behind",
    "output_controls": "Output controls",
    "monitoring": "Monitoring",
    "access_mode": "Access mode",
    "throttling": "Throttling",
    "disclosure": "Disclosure of model information",
}


def unit_field(label: str, *, required: bool = True, help_text: str = "") -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0.0,
        max_value=1.0,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"}),
    )


def _humanise(value: str) -> str:
    return "API" if value == "api" else value.replace("_", " ").capitalize()


CATALOG_DEFAULT = "— the item's default —"


def lever_field(name: str, *, blank: str | None = None) -> forms.ChoiceField:
    """A select for one frontier-AI lever; ``blank`` adds a first option meaning "not
    chosen here" (a new line then takes the catalog item's default for this lever)."""
    if name == "generation_lag":
        choices = [(str(n), str(n)) for n in range(MAX_GENERATION_LAG + 1)]
    else:
        choices = [(c, _humanise(c)) for c in LEVER_CHOICES[name]]
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

    lever_group: tuple[str, ...] = ()
    """Fields shown together under a "Frontier-AI levers" legend."""

    def layout(self) -> list[dict[str, Any]]:
        """Field groups for the generic add form: main fields, levers, then the note."""
        visible = [f for f in self.visible_fields() if f.name not in (*self.lever_group, "note")]
        groups = [{"legend": "", "css_class": "grid grid-3", "fields": visible}]
        if self.lever_group:
            groups.append(
                {
                    "legend": "Frontier-AI levers (used only for frontier-AI access items)",
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
        self.fields["team"].queryset = teams


class TemplateStartForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class ForkForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label="Title of the fork")


class ImportForm(forms.Form):
    file = forms.FileField(label="Draft JSON file", help_text="A file exported from Windfall.")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_file(self) -> dict[str, Any]:
        import json

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
        path = unencodable_path(document)
        if path is not None:
            raise ValidationError(f"{path or 'The file'}: {UNENCODABLE_MESSAGE}")
        return document


class DraftSettingsForm(VersionedForm):
    title = forms.CharField(max_length=200)
    purpose = forms.ChoiceField(choices=Purpose.choices)
    status = forms.ChoiceField(choices=Status.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    dsa = unit_field(
        "Decisive strategic advantage (dsa)",
        help_text="0: the provider surely gains no decisive advantage; 1: it surely does.",
    )
    dsa_uncertainty = forms.FloatField(
        label="dsa uncertainty (±)",
        min_value=0.0,
        max_value=0.5,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    omega = unit_field(
        "Safety value of restraint (omega)",
        required=False,
        help_text="Coalition drafts: what each unit of members' restraint is worth to every state.",
    )
    min_participation = forms.IntegerField(
        label="Minimum members to enter into force", min_value=0, max_value=60, required=False
    )

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["min_participation"] = data.get("min_participation") or 0
        return data


class PartyForm(VersionedForm):
    actor = forms.ModelChoiceField(
        queryset=Actor.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="— another state (describe it below) —",
    )
    role = forms.ChoiceField(choices=PartyRole.choices, initial=PartyRole.RECIPIENT)
    name = forms.CharField(
        max_length=120, required=False, help_text="Leave blank to use the profile's name."
    )
    alignment = forms.ChoiceField(
        choices=[("", "— from the profile —"), *Alignment.choices], required=False
    )
    trust = unit_field(
        "Trust in the provider", required=False, help_text="Blank: the profile's value."
    )
    capability = unit_field(
        "AI capability", required=False, help_text="Blank: the profile's value."
    )
    security = unit_field(
        "Security posture", required=False, help_text="Blank: the profile's value."
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        actor = data.pop("actor")
        data["actor"] = actor.slug if actor else None
        data["alignment"] = data.get("alignment") or None
        return data


class PhaseForm(VersionedForm):
    name = forms.CharField(max_length=120)
    reversible = forms.BooleanField(
        required=False, initial=True, help_text="Can its steps be undone?"
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


def _keyed_choices(
    rows: list[Mapping[str, Any]], label: str, *, blank: str | None
) -> list[tuple[str, str]]:
    choices = [(row["key"], row.get(label) or row["key"]) for row in rows]
    return [("", blank), *choices] if blank is not None else choices


class LineForm(VersionedForm):
    item = forms.ModelChoiceField(
        queryset=BenefitItem.objects.order_by("name"), to_field_name="slug"
    )
    recipient = forms.ChoiceField()
    magnitude = forms.FloatField(
        min_value=0.01,
        max_value=1.0,
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0.05", "max": "1"}),
        help_text="Share of the full benefit, from 0.05 to 1.",
    )
    phase = forms.ChoiceField(required=False)
    scope = lever_field("scope", blank=CATALOG_DEFAULT)
    generation_lag = lever_field("generation_lag", blank=CATALOG_DEFAULT)
    output_controls = lever_field("output_controls", blank=CATALOG_DEFAULT)
    monitoring = lever_field("monitoring", blank=CATALOG_DEFAULT)
    access_mode = lever_field("access_mode", blank=CATALOG_DEFAULT)
    throttling = lever_field("throttling", blank=CATALOG_DEFAULT)
    disclosure = lever_field("disclosure", blank=CATALOG_DEFAULT)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    lever_names = tuple(LEVER_LABELS)
    lever_group = lever_names

    def __init__(self, *args: Any, document: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipients = [p for p in document["parties"] if p["role"] == PartyRole.RECIPIENT]
        self.fields["recipient"].choices = [
            (p["key"], p.get("display") or p["key"]) for p in recipients
        ]
        self.fields["phase"].choices = _keyed_choices(
            document["phases"], "name", blank="— no phase —"
        )

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
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
    recipient = forms.ChoiceField()
    burden = unit_field("Burden", required=False, help_text="Blank: the catalog's default.")
    verifiability = unit_field(
        "Verifiability", required=False, help_text="Blank: the catalog's default."
    )
    reversible = forms.BooleanField(
        required=False, help_text="Can the step be undone (e.g. halt, not dismantle)?"
    )
    phase = forms.ChoiceField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, document: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipients = [p for p in document["parties"] if p["role"] == PartyRole.RECIPIENT]
        self.fields["recipient"].choices = [
            (p["key"], p.get("display") or p["key"]) for p in recipients
        ]
        self.fields["phase"].choices = _keyed_choices(
            document["phases"], "name", blank="— no phase —"
        )

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["commitment"] = data["commitment"].slug
        data["phase"] = data.get("phase") or None
        return data


class MechanismForm(VersionedForm):
    type = forms.ModelChoiceField(
        label="Mechanism",
        queryset=MechanismType.objects.filter(derived=False).order_by("name"),
        to_field_name="slug",
    )
    strength = unit_field(
        "Strength", help_text="0 to 1; for escrow, the escrowed share of bundle value."
    )
    covers = forms.ChoiceField(choices=Covers.choices, initial=Covers.BOTH)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["type"] = data["type"].slug
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
    power_direction = forms.ChoiceField(
        label="Power-sharing counts as",
        choices=[("down", "a cost (less is better)"), ("up", "a benefit (more is better)")],
        initial="down",
        required=False,
    )

    criteria = ("credibility", "risk_overall", "power_sharing", "min_net_incentive", "leverage")

    def weights(self) -> dict[str, float]:
        values = {name: self.cleaned_data.get(name) for name in self.criteria}
        weights = {k: (1.0 if v is None else float(v)) for k, v in values.items()}
        return weights if sum(weights.values()) > 0 else dict.fromkeys(self.criteria, 1.0)


class LineUpdateForm(VersionedForm):
    """Change a line's magnitude, phase and levers (item and recipient stay)."""

    magnitude = LineForm.base_fields["magnitude"]
    phase = forms.CharField(required=False, max_length=32)
    scope = lever_field("scope")
    generation_lag = lever_field("generation_lag")
    output_controls = lever_field("output_controls")
    monitoring = lever_field("monitoring")
    access_mode = lever_field("access_mode")
    throttling = lever_field("throttling")
    disclosure = lever_field("disclosure")

    def changes(self, *, levers_apply: bool) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        levers = {name: data.pop(name) for name in LEVER_LABELS}
        data["phase"] = data.get("phase") or None
        if levers_apply:
            data["levers"] = {k: v for k, v in levers.items() if v not in ("", None)}
        return data


class ConditionUpdateForm(VersionedForm):
    burden = unit_field("Burden", required=False)
    verifiability = unit_field("Verifiability", required=False)
    reversible = forms.BooleanField(required=False)
    phase = forms.CharField(required=False, max_length=32)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["phase"] = data.get("phase") or None
        return data


class MechanismUpdateForm(VersionedForm):
    strength = unit_field("Strength")
    covers = forms.ChoiceField(choices=Covers.choices)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


class PartyUpdateForm(VersionedForm):
    role = forms.ChoiceField(choices=PartyRole.choices)
    trust = unit_field("Trust", required=False)
    capability = unit_field("Capability", required=False)
    security = unit_field("Security", required=False)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


class PhaseUpdateForm(VersionedForm):
    name = forms.CharField(max_length=120)
    reversible = forms.BooleanField(required=False)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        return data
