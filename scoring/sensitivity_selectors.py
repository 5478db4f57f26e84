"""Reads of named scenarios, weight profiles and sensitivity jobs, scoped to the user's teams."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role, Team
from accounts.selectors import scope_to_teams
from agreements.models import Agreement
from scoring.models import AnalysisJob, Scenario, WeightProfile


def scenario_list_for_user(*, user: Any) -> QuerySet[Scenario]:
    return scope_to_teams(Scenario.objects.select_related("team"), user=user)


def scenario_get_for_user(*, user: Any, pk: int) -> Scenario:
    scenario = scenario_list_for_user(user=user).filter(pk=pk).first()
    if scenario is None:
        raise Http404("No such scenario.")
    return scenario


def scenarios_get_for_user(*, user: Any, ids: Iterable[int]) -> list[Scenario]:
    """The scenarios with these ids, in that order; any not among the user's: 404."""
    wanted = list(dict.fromkeys(ids))
    found = {s.pk: s for s in scenario_list_for_user(user=user).filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise Http404("No such scenario.")
    return [found[pk] for pk in wanted]


def weight_profile_list_for_user(*, user: Any) -> QuerySet[WeightProfile]:
    return scope_to_teams(WeightProfile.objects.select_related("team"), user=user)


def weight_profile_get_for_user(*, user: Any, pk: int) -> WeightProfile:
    profile = weight_profile_list_for_user(user=user).filter(pk=pk).first()
    if profile is None:
        raise Http404("No such weight profile.")
    return profile


def team_writable_for_user(*, user: Any, slug: str) -> Team | None:
    """The team with ``slug`` if the user is one of its analysts."""
    teams = scope_to_teams(Team.objects.all(), user=user, team_field="id", roles=[Role.ANALYST])
    return teams.filter(slug=slug).first()


def can_write(*, user: Any, team_id: int) -> bool:
    teams = scope_to_teams(Team.objects.all(), user=user, team_field="id", roles=[Role.ANALYST])
    return teams.filter(pk=team_id).exists()


def analysis_job_get_for_user(*, user: Any, pk: int) -> AnalysisJob:
    """A sensitivity job of the user's teams whose every draft the user may read (a job
    names drafts by id; a team member who cannot see one of them gets a 404)."""
    job = scope_to_teams(AnalysisJob.objects.all(), user=user).filter(pk=pk).first()
    if job is None:
        raise Http404("No such computation.")
    ids = set(job.request.get("agreements", []))
    visible = scope_to_teams(Agreement.objects.filter(pk__in=ids), user=user).count()
    if visible != len(ids):
        raise Http404("No such computation.")
    return job
