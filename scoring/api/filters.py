"""Filters of the score-run lists of the API."""

from __future__ import annotations

import django_filters

from core.filters import StrictBooleanFilter, StrictFilterSet, WholeNumberFilter
from scoring.models import RunReason, RunStatus, ScoreRun


class ScoreRunFilterSet(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=RunStatus.choices, label="Runs in any of these states (repeat to add more)."
    )
    reason = django_filters.MultipleChoiceFilter(
        choices=RunReason.choices, label="Runs requested for any of these reasons."
    )
    revision = WholeNumberFilter(
        field_name="revision_number", label="Runs that score this revision number."
    )
    stale = StrictBooleanFilter(label="Runs whose catalog values changed since (or not).")

    class Meta:
        model = ScoreRun
        fields = ["status", "reason", "revision", "stale"]
