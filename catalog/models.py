"""The curated catalog: benefit items, commitments, mechanism types, risk kinds, actors.

Every 0-1 attribute has a range check in the database and in forms, an uncertainty
half-width (``u_*``) where the engine samples it, and a one-line rationale.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from catalog.choices import (
    ITEM_ATTRIBUTE_HELP,
    ITEM_ATTRIBUTE_NAMES,
    LEVER_CHOICES,
    MAX_GENERATION_LAG,
    Alignment,
    ClauseCondition,
    ClauseKind,
    Cluster,
    PowerLabel,
    TreatyArticle,
)
from catalog.clauses import ClauseSyntaxError, clause_compile, clause_render
from core.models import TimeStampedModel

MAX_HALF_WIDTH = 0.5


def unit_field(
    verbose_name: str, *, default: float = 0.5, help_text: str = ""
) -> models.FloatField:
    """A number in [0, 1]."""
    return models.FloatField(
        verbose_name,
        default=default,
        help_text=help_text,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )


def bounded_field(
    verbose_name: str, *, low: float, high: float, default: float, help_text: str = ""
) -> models.FloatField:
    """A number in ``[low, high]`` (signed attributes and values in value units)."""
    return models.FloatField(
        verbose_name,
        default=default,
        help_text=help_text,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
    )


def half_width_field(
    verbose_name: str, *, default: float = 0.1, maximum: float = MAX_HALF_WIDTH
) -> models.FloatField:
    """An uncertainty half-width in [0, maximum]: Monte Carlo samples value +/- this."""
    return models.FloatField(
        f"{verbose_name} uncertainty",
        default=default,
        help_text=f"Half-width of the uniform uncertainty band (0 to {maximum:g}).",
        validators=[MinValueValidator(0.0), MaxValueValidator(maximum)],
    )


UNCURATED = "Not curated yet: the scoring model's neutral default."
"""Rationale of a value added after an entry was written (old databases, old imports)."""
PROVISIONAL = "Provisional value of scoring model 2027.1, filled in by a migration; curate it."
"""Rationale of a value migration 0002 filled in from the scoring model's provisional table."""
UNCURATED_RATIONALES = frozenset({UNCURATED, PROVISIONAL})
"""A value with one of these rationales was never set by a curator: reloading the
shipped catalog fills it in even on an entry a curator edited."""


def rationale_field(verbose_name: str, *, default: str | None = None) -> models.TextField:
    """Why the value is what it is; fields added in a later model version default to
    :data:`UNCURATED` so old rows and old import files stay valid."""
    if default is None:
        return models.TextField(
            f"{verbose_name} rationale", help_text="One sentence: why this value."
        )
    return models.TextField(
        f"{verbose_name} rationale", default=default, help_text="One sentence: why this value."
    )


def range_constraints(
    model_name: str,
    unit_fields: list[str],
    half_width_fields: list[str],
    bounded: dict[str, tuple[float, float]] | None = None,
) -> list[models.BaseConstraint]:
    """Database checks mirroring the field validators (a second line of defence).

    ``bounded`` maps the other ranged fields (signed, value units, wide half-widths)
    to their ``(low, high)``.
    """
    checks: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__gte": 0.0, f"{name}__lte": 1.0}),
            name=f"{model_name}_{name}_in_unit_range",
            violation_error_message=f"{name} must be between 0 and 1.",
        )
        for name in unit_fields
    ]
    checks += [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__gte": 0.0, f"{name}__lte": MAX_HALF_WIDTH}),
            name=f"{model_name}_{name}_in_half_width_range",
            violation_error_message=f"{name} must be between 0 and {MAX_HALF_WIDTH}.",
        )
        for name in half_width_fields
    ]
    checks += [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__gte": low, f"{name}__lte": high}),
            name=f"{model_name}_{name}_in_range",
            violation_error_message=f"{name} must be between {low:g} and {high:g}.",
        )
        for name, (low, high) in (bounded or {}).items()
    ]
    return checks


ITEM_ATTRIBUTES = list(ITEM_ATTRIBUTE_NAMES)
SIGNED_ITEM_ATTRIBUTES = ["q"]
"""Item attributes in [-1, 1]; the others are in [0, 1]."""
UNIT_ITEM_ATTRIBUTES = [name for name in ITEM_ATTRIBUTES if name not in SIGNED_ITEM_ATTRIBUTES]

OUTSIDE_OPTION_BOUNDS = (-5.0, 10.0)
"""An actor's outside option, in value units (0: the status quo)."""
MAX_OUTSIDE_OPTION_HALF_WIDTH = 2.0
PROVIDER_VALUE_BOUNDS = (0.0, 5.0)
MECHANISM_COST_BOUNDS = (0.0, 5.0)


class CatalogEntry(TimeStampedModel):
    """Fields every catalog entry has."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160)
    locally_modified = models.BooleanField(
        default=False,
        editable=False,
        help_text="Set when a curator edits the entry; reloading shipped data then keeps it.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one at every save: the ETag an edit names (core.concurrency).",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, raising ``version`` when a stored row changes (edits check it under a
        row lock, so two saves never claim the same version)."""
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class BenefitItem(CatalogEntry):
    """A benefit a provider can share, with the attributes that drive every score."""

    cluster = models.CharField(max_length=32, choices=Cluster.choices, db_index=True)
    summary = models.CharField(max_length=240)
    description = models.TextField()
    precedent = models.TextField(blank=True)
    levers_apply = models.BooleanField(
        "frontier-AI levers apply",
        default=False,
        help_text="Frontier-AI access item: lines set scope, lag, monitoring and other levers.",
    )
    default_levers = models.JSONField(
        null=True,
        blank=True,
        help_text="Lever settings a new line starts with (levers items only).",
    )

    p = unit_field(ITEM_ATTRIBUTE_NAMES["p"], help_text=ITEM_ATTRIBUTE_HELP["p"])
    t = unit_field(ITEM_ATTRIBUTE_NAMES["t"], help_text=ITEM_ATTRIBUTE_HELP["t"])
    r = unit_field(ITEM_ATTRIBUTE_NAMES["r"], help_text=ITEM_ATTRIBUTE_HELP["r"])
    d = unit_field(ITEM_ATTRIBUTE_NAMES["d"], help_text=ITEM_ATTRIBUTE_HELP["d"])
    q = bounded_field(
        ITEM_ATTRIBUTE_NAMES["q"],
        low=-1.0,
        high=1.0,
        default=0.0,
        help_text=ITEM_ATTRIBUTE_HELP["q"],
    )
    c = unit_field(ITEM_ATTRIBUTE_NAMES["c"], help_text=ITEM_ATTRIBUTE_HELP["c"])
    v = unit_field(ITEM_ATTRIBUTE_NAMES["v"], help_text=ITEM_ATTRIBUTE_HELP["v"])
    a = unit_field(ITEM_ATTRIBUTE_NAMES["a"], help_text=ITEM_ATTRIBUTE_HELP["a"])
    u_p = half_width_field(ITEM_ATTRIBUTE_NAMES["p"])
    u_t = half_width_field(ITEM_ATTRIBUTE_NAMES["t"])
    u_r = half_width_field(ITEM_ATTRIBUTE_NAMES["r"])
    u_d = half_width_field(ITEM_ATTRIBUTE_NAMES["d"])
    u_q = half_width_field(ITEM_ATTRIBUTE_NAMES["q"])
    u_c = half_width_field(ITEM_ATTRIBUTE_NAMES["c"])
    u_v = half_width_field(ITEM_ATTRIBUTE_NAMES["v"])
    u_a = half_width_field(ITEM_ATTRIBUTE_NAMES["a"])
    rationale_p = rationale_field(ITEM_ATTRIBUTE_NAMES["p"])
    rationale_t = rationale_field(ITEM_ATTRIBUTE_NAMES["t"])
    rationale_r = rationale_field(ITEM_ATTRIBUTE_NAMES["r"])
    rationale_d = rationale_field(ITEM_ATTRIBUTE_NAMES["d"])
    rationale_q = rationale_field(ITEM_ATTRIBUTE_NAMES["q"])
    rationale_c = rationale_field(ITEM_ATTRIBUTE_NAMES["c"])
    rationale_v = rationale_field(ITEM_ATTRIBUTE_NAMES["v"])
    rationale_a = rationale_field(ITEM_ATTRIBUTE_NAMES["a"])

    power_index = models.FloatField(
        editable=False,
        default=0.0,
        help_text="Power-sharing index of a full-magnitude line with the default levers.",
    )
    label = models.CharField(
        max_length=20,
        choices=PowerLabel.choices,
        editable=False,
        db_index=True,
        default=PowerLabel.BENEFIT_SHARING,
    )

    history = HistoricalRecords(excluded_fields=["locally_modified"])

    class Meta(CatalogEntry.Meta):
        constraints = range_constraints(
            "benefititem",
            UNIT_ITEM_ATTRIBUTES,
            [f"u_{name}" for name in ITEM_ATTRIBUTES],
            dict.fromkeys(SIGNED_ITEM_ATTRIBUTES, (-1.0, 1.0)),
        )

    def get_absolute_url(self) -> str:
        return reverse("catalog:item-detail", kwargs={"slug": self.slug})

    def attributes(self) -> list[dict[str, Any]]:
        """Each attribute with its name, value, half-width and rationale, in model order."""
        return [
            {
                "key": key,
                "name": ITEM_ATTRIBUTE_NAMES[key],
                "help": ITEM_ATTRIBUTE_HELP[key],
                "value": getattr(self, key),
                "uncertainty": getattr(self, f"u_{key}"),
                "rationale": getattr(self, f"rationale_{key}"),
            }
            for key in ITEM_ATTRIBUTES
        ]

    def clean(self) -> None:
        super().clean()
        errors = lever_settings_errors(self.default_levers) if self.default_levers else []
        if self.default_levers and not self.levers_apply:
            errors.append("Only items with frontier-AI levers can have default levers.")
        if errors:
            raise ValidationError({"default_levers": errors})


def lever_settings_errors(levers: object) -> list[str]:
    """Problems with a lever-settings mapping (empty list when valid)."""
    if not isinstance(levers, dict):
        return ["Lever settings must be a mapping of lever name to setting."]
    errors = []
    allowed = {*LEVER_CHOICES, "generation_lag"}
    for name in sorted(set(levers) - allowed):
        errors.append(f"Unknown lever {name!r}; levers are {', '.join(sorted(allowed))}.")
    for name, options in LEVER_CHOICES.items():
        if name in levers and levers[name] not in options:
            errors.append(f"{name} must be one of {', '.join(options)}; got {levers[name]!r}.")
    lag = levers.get("generation_lag", 0)
    if not isinstance(lag, int) or isinstance(lag, bool) or not 0 <= lag <= MAX_GENERATION_LAG:
        errors.append(f"generation_lag must be a whole number from 0 to {MAX_GENERATION_LAG}.")
    if levers.get("access_mode") == "weights":
        for name in ("monitoring", "throttling"):
            if levers.get(name, "none") != "none":
                errors.append(
                    f"Shared weights cannot be monitored or throttled: set {name} to none."
                )
    return errors


class Commitment(CatalogEntry):
    """Something a recipient can commit to in return for benefits."""

    summary = models.CharField(max_length=240)
    description = models.TextField()
    burden = unit_field("Burden", help_text="Default cost of the commitment to the recipient.")
    u_burden = half_width_field("Burden")
    rationale_burden = rationale_field("Burden")
    verifiability = unit_field("Verifiability", help_text="How well compliance can be checked.")
    u_verifiability = half_width_field("Verifiability")
    rationale_verifiability = rationale_field("Verifiability")
    restraint = models.BooleanField(
        default=False, help_text="Slows the recipient's own AI development."
    )
    rationale_restraint = rationale_field("Restraint")
    race_framing = unit_field(
        "Race framing", default=0.0, help_text="How much it frames AI as a contest to win."
    )
    rationale_race_framing = rationale_field("Race framing")
    provider_value = bounded_field(
        "Provider value (pi)",
        low=PROVIDER_VALUE_BOUNDS[0],
        high=PROVIDER_VALUE_BOUNDS[1],
        default=1.0,
        help_text=(
            "What one unit of this burden is worth to the provider: the safety, security "
            "or supply it buys (0 to 5)."
        ),
    )
    rationale_provider_value = rationale_field("Provider value", default=UNCURATED)
    capability_scaled = models.BooleanField(
        "Capability-scaled",
        default=False,
        help_text="Its real burden grows with how close the recipient is to the frontier.",
    )
    rationale_capability_scaled = rationale_field("Capability scaling", default=UNCURATED)

    history = HistoricalRecords(excluded_fields=["locally_modified"])

    class Meta(CatalogEntry.Meta):
        constraints = range_constraints(
            "commitment",
            ["burden", "verifiability", "race_framing"],
            ["u_burden", "u_verifiability"],
            {"provider_value": PROVIDER_VALUE_BOUNDS},
        )


class MechanismType(CatalogEntry):
    """A kind of credibility mechanism with its effectiveness and erosion (section 4)."""

    summary = models.CharField(max_length=240)
    description = models.TextField()
    effectiveness = unit_field("Effectiveness (e)", help_text="Effect at full strength.")
    erosion = unit_field(
        "Erosion (eps)", help_text="Share of the effect lost under a decisive strategic advantage."
    )
    cost = bounded_field(
        "Provider cost",
        low=MECHANISM_COST_BOUNDS[0],
        high=MECHANISM_COST_BOUNDS[1],
        default=0.0,
        help_text="Provider cost per unit of strength, in value units (0 to 5).",
    )
    u_cost = half_width_field("Provider cost", default=0.0)
    derived = models.BooleanField(
        default=False, help_text="Computed from the draft (phases); never attached by hand."
    )
    rationale = models.TextField(help_text="Why this effectiveness, erosion and cost.")

    history = HistoricalRecords(excluded_fields=["locally_modified"])

    class Meta(CatalogEntry.Meta):
        constraints = range_constraints(
            "mechanismtype",
            ["effectiveness", "erosion"],
            ["u_cost"],
            {"cost": MECHANISM_COST_BOUNDS},
        )


class RiskKind(CatalogEntry):
    """One of the five risks every draft is scored on (section 5)."""

    summary = models.CharField(max_length=240)
    description = models.TextField()
    default_weight = unit_field("Default weight", default=0.2)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["locally_modified"])

    class Meta(CatalogEntry.Meta):
        ordering = ["position", "name"]
        constraints = range_constraints("riskkind", ["default_weight"], [])


class Actor(CatalogEntry):
    """A state profile an analyst starts a party from (overridable per draft)."""

    alignment = models.CharField(
        max_length=16,
        choices=Alignment.choices,
        help_text="Alignment to the default provider (the United States).",
    )
    capability = unit_field("Capability (kappa)", help_text="Closeness to the AI frontier.")
    u_capability = half_width_field("Capability")
    rationale_capability = rationale_field("Capability")
    security = unit_field(
        "Security posture (sigma)", help_text="Ability to protect shared assets from theft."
    )
    u_security = half_width_field("Security posture")
    rationale_security = rationale_field("Security posture")
    trust = unit_field("Trust (tau)", help_text="Default trust in the provider.")
    u_trust = half_width_field("Trust")
    rationale_trust = rationale_field("Trust")
    need = unit_field(
        "Need (nu)", help_text="How much financial and resource benefits matter to it."
    )
    u_need = half_width_field("Need")
    rationale_need = rationale_field("Need", default=UNCURATED)
    threat = unit_field(
        "Threat (theta)",
        help_text="External security threat it faces: how much security benefits matter.",
    )
    u_threat = half_width_field("Threat")
    rationale_threat = rationale_field("Threat", default=UNCURATED)
    outside_option = bounded_field(
        "Outside option (o)",
        low=OUTSIDE_OPTION_BOUNDS[0],
        high=OUTSIDE_OPTION_BOUNDS[1],
        default=0.0,
        help_text=(
            "Value, in value units, of its best alternative to the deal (-5 to 10; "
            "0 is the status quo)."
        ),
    )
    u_outside_option = half_width_field(
        "Outside option", default=0.0, maximum=MAX_OUTSIDE_OPTION_HALF_WIDTH
    )
    rationale_outside_option = rationale_field("Outside option", default=UNCURATED)
    notes = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["locally_modified"])

    class Meta(CatalogEntry.Meta):
        constraints = range_constraints(
            "actor",
            ["capability", "security", "trust", "need", "threat"],
            ["u_capability", "u_security", "u_trust", "u_need", "u_threat"],
            {
                "outside_option": OUTSIDE_OPTION_BOUNDS,
                "u_outside_option": (0.0, MAX_OUTSIDE_OPTION_HALF_WIDTH),
            },
        )


CLAUSE_SAMPLE_CONTEXT: dict[str, Any] = {
    "provider": "the United States",
    "recipient": "Japan",
    "recipients": "Japan and India",
    "each_recipient": "each of Japan and India",
    "purpose": "to share the benefits of advanced AI",
    "observers": "China",
    "observer_noun": "an observer",
    "excluded": "Russia",
    "title": "A sample agreement",
    "parties": "the United States, Japan and India",
    "benefit": "monitored access to a general model",
    "commitment": "domestic safety regulation",
    "mechanism": "an international verification body",
    "extent": "in substantial part",
    "quantity": "2,000,000 USD",
    "duration": "twelve months",
    "timing": "from entry into force",
    "access_terms": "through a monitored API",
    "strength": "substantial",
    "verification": "routine verification",
    "covers": "the undertakings of every Party",
    "reversible": True,
    "phases": [{"name": "Trial", "ordinal": "first", "duration": "six months"}],
    "phase_count": "two",
    "threshold": "two",
    "staged": ["Japan"],
    "articles": dict.fromkeys(TreatyArticle.values, "1"),
}
"""What a clause template is test-rendered with before it is saved."""


class ClauseTemplate(CatalogEntry):
    """A clause of the treaty text, kept as data and curated in the admin.

    The body is Django template text; blank lines separate its paragraphs. A template
    that does not compile, or fails to render against a sample draft, is refused with
    the line at fault.
    """

    kind = models.CharField(max_length=20, choices=ClauseKind.choices)
    subject = models.CharField(
        max_length=80,
        help_text="What it is written for: a benefit cluster, a commitment or mechanism "
        "type slug, a phase structure (single, sequenced, staged) or a standard article.",
    )
    article = models.CharField(
        max_length=20,
        choices=TreatyArticle.choices,
        help_text="The article of the treaty text it contributes to.",
    )
    condition = models.CharField(
        max_length=24,
        choices=ClauseCondition.choices,
        default=ClauseCondition.ALWAYS,
        help_text="An optional clause is included only when this holds for the draft.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order among the clauses of the same article."
    )
    definition = models.TextField(
        blank=True,
        help_text="A defined term for the Definitions article, when the draft uses this "
        "subject (template text, like the body).",
    )
    body = models.TextField(help_text="The clause, in template text; blank lines end paragraphs.")

    history = HistoricalRecords(excluded_fields=["locally_modified"])

    class Meta(CatalogEntry.Meta):
        ordering = ["article", "position", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject"], name="clausetemplate_one_per_subject"
            )
        ]

    def clean(self) -> None:
        """Refuse a body or definition that does not compile or render, naming the line."""
        super().clean()
        errors: dict[str, list[str]] = {}
        for name in ("body", "definition"):
            source = getattr(self, name) or ""
            try:
                clause_compile(source)
                clause_render(source, CLAUSE_SAMPLE_CONTEXT)
            except ClauseSyntaxError as exc:
                errors[name] = [str(exc)]
            except Exception as exc:  # a render error is the curator's to fix
                errors[name] = [f"This template fails when it is used: {exc}"]
        if errors:
            raise ValidationError(errors)
