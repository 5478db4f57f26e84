"""Drafts owned by teams, their parts, and immutable numbered revisions.

The rows below are the *materialised* current state of a draft. Every change goes
through ``agreements.services``, which rewrites them from a validated agreement
document and records that document as a new :class:`Revision`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from accounts.models import Team
from agreements.choices import Covers, Purpose, Role, Status
from catalog.choices import Alignment
from catalog.models import Actor, BenefitItem, Commitment, MechanismType
from core.models import TimeStampedModel

UNIT = [MinValueValidator(0.0), MaxValueValidator(1.0)]
HALF_WIDTH = [MinValueValidator(0.0), MaxValueValidator(0.5)]


class Agreement(TimeStampedModel):
    """A draft benefit-sharing agreement."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(max_length=200)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.OTHER)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True)
    dsa = models.FloatField(
        "decisive strategic advantage",
        default=0.3,
        validators=UNIT,
        help_text="How likely or strong a decisive strategic advantage of the provider is.",
    )
    dsa_uncertainty = models.FloatField(null=True, blank=True, validators=HALF_WIDTH)
    omega = models.FloatField(
        null=True, blank=True, validators=UNIT, help_text="Safety value per unit of restraint."
    )
    omega_uncertainty = models.FloatField(null=True, blank=True, validators=HALF_WIDTH)
    min_participation = models.PositiveSmallIntegerField(default=0)
    risk_weights = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=0, help_text="Number of the latest revision; every write names the one it edits."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    forked_from = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks"
    )
    template_slug = models.SlugField(max_length=80, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        # The draft lists read a team's drafts newest first, a keyset page at a time
        # (core.pagination), optionally narrowed by the FilterSet's column filters.
        indexes = [
            models.Index(fields=["team", "-updated_at", "-id"], name="agreement_team_recent"),
            # The dashboard's default list hides archived drafts: a team with thousands of
            # them still reads its newest live drafts straight from this index.
            models.Index(
                fields=["team", "-updated_at", "-id"],
                condition=~models.Q(status=Status.ARCHIVED),
                name="agreement_team_live",
            ),
            models.Index(
                fields=["team", "status", "-updated_at", "-id"], name="agreement_team_status"
            ),
            models.Index(
                fields=["team", "purpose", "-updated_at", "-id"], name="agreement_team_purpose"
            ),
            models.Index(
                fields=["team", "template_slug", "-updated_at", "-id"],
                name="agreement_team_template",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workbench:builder", kwargs={"pk": self.pk})


class Part(models.Model):
    """Fields shared by every part of a draft: a key stable across revisions."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE)
    key = models.SlugField(max_length=32)
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "key"], name="%(class)s_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key


class Party(Part):
    """A state in the draft, from an actor profile with optional per-draft overrides."""

    actor = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    alignment = models.CharField(max_length=16, choices=Alignment.choices, blank=True)
    trust = models.FloatField(null=True, blank=True, validators=UNIT)
    capability = models.FloatField(null=True, blank=True, validators=UNIT)
    security = models.FloatField(null=True, blank=True, validators=UNIT)
    need = models.FloatField(null=True, blank=True, validators=UNIT)
    threat = models.FloatField(null=True, blank=True, validators=UNIT)
    outside_option = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-5), MaxValueValidator(10)]
    )
    multipliers = models.JSONField(null=True, blank=True)

    class Meta(Part.Meta):
        default_related_name = "parties"
        verbose_name_plural = "parties"

    @property
    def display_name(self) -> str:
        return self.name or (self.actor.name if self.actor else self.key)


class Phase(Part):
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    reversible = models.BooleanField(default=True)
    duration_months = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(600)]
    )
    description = models.TextField(blank=True)

    class Meta(Part.Meta):
        default_related_name = "phases"
        ordering = ["order"]


class Quantity(models.Model):
    """The optional quantity of a line or condition (read by the treaty text only)."""

    amount = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    unit = models.CharField(max_length=40, blank=True)
    duration_months = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(600)]
    )

    class Meta:
        abstract = True


class Line(Part, Quantity):
    """One benefit given to one recipient."""

    item = models.ForeignKey(BenefitItem, on_delete=models.PROTECT)
    recipient = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="lines")
    magnitude = models.FloatField(validators=UNIT)
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.SET_NULL)
    levers = models.JSONField(null=True, blank=True)

    class Meta(Part.Meta):
        default_related_name = "lines"


class Condition(Part, Quantity):
    """A commitment asked of one recipient (burden/verifiability default to the catalog)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT)
    recipient = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="conditions")
    burden = models.FloatField(null=True, blank=True, validators=UNIT)
    verifiability = models.FloatField(null=True, blank=True, validators=UNIT)
    reversible = models.BooleanField(default=False)
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta(Part.Meta):
        default_related_name = "conditions"


class Mechanism(Part):
    mechanism_type = models.ForeignKey(MechanismType, on_delete=models.PROTECT)
    strength = models.FloatField(validators=UNIT)
    covers = models.CharField(max_length=16, choices=Covers.choices, default=Covers.BOTH)
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta(Part.Meta):
        default_related_name = "mechanisms"


class Revision(models.Model):
    """An immutable, numbered snapshot of a whole draft (an agreement document)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} r{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Revisions are immutable; record a new one instead.")
        super().save(*args, **kwargs)


class ReferenceTemplate(TimeStampedModel):
    """A shipped reference draft (historical or proposed deal) analysts start from."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=240)
    rationale = models.TextField()
    document = models.JSONField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
