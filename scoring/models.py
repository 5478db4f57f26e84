"""Score runs: one scoring of one agreement revision by a worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from agreements.models import Agreement, Revision
from catalog.choices import PowerLabel
from core.models import TimeStampedModel


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    SUPERSEDED = "superseded", "Superseded"


class RunReason(models.TextChoices):
    REVISION = "revision", "New revision"
    REQUESTED = "requested", "Requested"
    CATALOG_CHANGED = "catalog_changed", "Catalog changed"
    PARAMETERS_CHANGED = "parameters_changed", "Parameters changed"


PENDING = (RunStatus.QUEUED, RunStatus.RUNNING)


class Job(TimeStampedModel):
    """What every background job row records: its state, attempts and heartbeat.

    A service creates the row first and sends its id to the workers; a delivery claims
    it with a conditional UPDATE (``scoring.jobs``), so one delivery runs it, and the
    sweep hands it on again when its worker stops beating or its message is lost.
    """

    status = models.CharField(
        max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the worker running this run last showed it is alive.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING


class ScoreRun(Job):
    """Scores of exactly one revision, with the parameter version, samples and seed used.

    ``result`` holds the engine's ``ScoreResult.to_dict()``; the headline numbers are
    copied to columns so lists can show them without loading the result.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="score_runs")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="score_runs")
    revision_number = models.PositiveIntegerField()
    reason = models.CharField(max_length=24, choices=RunReason.choices, default=RunReason.REVISION)
    parameter_version = models.CharField(max_length=32)
    n_samples = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    stale = models.BooleanField(
        default=False, help_text="Catalog values or parameters changed since this run."
    )
    result = models.JSONField(null=True, blank=True)
    attribution = models.JSONField(
        null=True,
        blank=True,
        help_text="Which uncertain inputs drive each headline score, over this run's samples.",
    )
    label = models.CharField(max_length=20, blank=True, choices=PowerLabel.choices)
    credibility = models.FloatField(null=True, blank=True)
    risk_overall = models.FloatField(null=True, blank=True)
    power_sharing = models.FloatField(null=True, blank=True)
    min_net_incentive = models.FloatField(null=True, blank=True)
    warning_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agreement", "status", "-revision_number"]),
            models.Index(fields=["status", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.agreement_id} r{self.revision_number} ({self.status})"


class AssistantKind(models.TextChoices):
    SUGGESTIONS = "suggestions", "Single edits"
    PACKAGE = "package", "Package"


class AssistantRun(Job):
    """One answer of the design assistant (single edits or a package search) for one
    revision, cached by what was asked (``options``) and the parameter version."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="assistant_runs"
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    revision_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=AssistantKind.choices)
    options = models.JSONField(default=dict)
    options_key = models.CharField(max_length=64)
    parameter_version = models.CharField(max_length=32)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "kind", "options_key", "parameter_version"],
                name="assistant_run_once_per_question",
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of {self.agreement_id} r{self.revision_number}"


class Scenario(TimeStampedModel):
    """A named world a team evaluates its drafts in (design section 16).

    ``dsa`` and ``omega`` replace each draft's point values when set (the drafts keep
    their uncertainty); ``trust_shifts`` and ``capability_shifts`` map catalog actor
    slugs to an amount added to that party's value in every draft (clipped to [0, 1]).
    """

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    dsa = models.FloatField(null=True, blank=True)
    omega = models.FloatField(null=True, blank=True)
    trust_shifts = models.JSONField(default=dict, blank=True)
    capability_shifts = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="scenario_unique_name_per_team")
        ]

    def __str__(self) -> str:
        return self.name


class WeightProfile(TimeStampedModel):
    """A team's criterion weights, typed or elicited by pairwise comparison (AHP).

    ``weights`` maps comparison criteria to weights summing to 1; ``intervals`` (or
    null) maps them to ``[low, high]`` bounds SMAA samples within; ``judgements`` are
    the pairwise answers the weights came from (empty when typed).
    """

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="weight_profiles"
    )
    name = models.CharField(max_length=100)
    weights = models.JSONField()
    intervals = models.JSONField(null=True, blank=True)
    judgements = models.JSONField(default=list, blank=True)
    consistency_ratio = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"], name="weight_profile_unique_name_per_team"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AnalysisKind(models.TextChoices):
    DSA_RANKING = "dsa_ranking", "Ranking along dsa"
    SCENARIOS = "scenarios", "Scenario comparison"


class AnalysisJob(Job):
    """A large sensitivity computation (a ranking along dsa, a scenario comparison) run by
    a worker, with progress, cached by ``key``: the kind, the revision set, the request's
    parameters and the parameter version (the same question is answered once)."""

    KINDS = AnalysisKind.choices

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=AnalysisKind.choices)
    key = models.CharField(max_length=64, unique=True)
    parameter_version = models.CharField(max_length=32)
    request = models.JSONField(help_text="What to compute: agreement ids, revisions, settings.")
    progress = models.FloatField(default=0.0)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"
