"""The team's named scenarios (design section 16): worlds the compare page evaluates every
draft in. A page lists them with a form to add one; each has a page to change or delete
it. Other teams' scenarios are 404s; viewers may read but not change them."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Actor
from scoring import sensitivity_selectors as selectors
from scoring import team_inputs
from scoring.models import Scenario
from workbench.views.common import writable_teams

MIN_SHIFT_ROWS = 3
MAX_SHIFT_ROWS = 20
SHIFTS = {"trust": "trust_shifts", "capability": "capability_shifts"}
"""Form row prefix -> the scenario's field."""


def _actor_choices() -> list[tuple[str, str]]:
    return [("", "(no party)")] + [
        (slug, f"{name} ({slug})") for slug, name in Actor.objects.values_list("slug", "name")
    ]


def _row_count(data: Any, initial: dict[str, dict[str, float]]) -> int:
    """Rows to show per kind of shift: every row posted or stored, and one more to fill."""
    posted = [
        int(index)
        for key in (data or {})
        for prefix in SHIFTS
        if key.startswith(f"{prefix}_party_") and (index := key.rsplit("_", 1)[1]).isdigit()
    ]
    stored = max((len(v) for v in initial.values()), default=0)
    return min(MAX_SHIFT_ROWS, max(MIN_SHIFT_ROWS, stored + 1, max(posted, default=-1) + 1))


class ScenarioForm(forms.Form):
    """A scenario's name, description, dsa, omega, and rows of (party, shift) for trust and
    for capability; a new one also names its team."""

    team = forms.TypedChoiceField(coerce=int, required=True, label="Team")
    name = forms.CharField(max_length=100, label="Name")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    dsa = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Chance of a decisive advantage (dsa)",
        help_text="0 to 1; leave empty to keep each draft's own value.",
    )
    omega = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label="Safety value of restraint (omega)",
        help_text="0 to 1; leave empty to keep each draft's own value.",
    )

    def __init__(
        self,
        data: Any = None,
        *,
        teams: list[tuple[int, str]] | None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        if teams is None:
            del self.fields["team"]
        else:
            cast(forms.ChoiceField, self.fields["team"]).choices = teams
        stored = {kind: (initial or {}).get(field) or {} for kind, field in SHIFTS.items()}
        self.row_count = _row_count(data, stored)
        choices = _actor_choices()
        for kind, label in (("trust", "Trust"), ("capability", "Capability")):
            pairs = list(stored[kind].items())
            for i in range(self.row_count):
                party, shift = pairs[i] if i < len(pairs) else ("", None)
                self.fields[f"{kind}_party_{i}"] = forms.ChoiceField(
                    choices=choices,
                    required=False,
                    initial=party,
                    label=f"{label} shift {i + 1}: party",
                    error_messages={"invalid_choice": "Unknown party: choose a catalog actor."},
                )
                self.fields[f"{kind}_shift_{i}"] = forms.FloatField(
                    required=False,
                    min_value=-1,
                    max_value=1,
                    initial=shift,
                    label=f"{label} shift {i + 1}: amount",
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in SHIFTS:
            seen: set[str] = set()
            for i in range(self.row_count):
                party = data.get(f"{kind}_party_{i}")
                shift = data.get(f"{kind}_shift_{i}")
                if party and shift is None and f"{kind}_shift_{i}" not in self.errors:
                    self.add_error(f"{kind}_shift_{i}", "Give the shift, from -1 to 1.")
                elif shift is not None and not party and f"{kind}_party_{i}" not in self.errors:
                    self.add_error(f"{kind}_party_{i}", "Choose the party this shift is for.")
                elif party in seen:
                    self.add_error(f"{kind}_party_{i}", "This party already has a shift.")
                if party:
                    seen.add(party)
        return data

    def scenario_data(self) -> dict[str, Any]:
        """The service's input: the fields and the shifts by actor slug."""
        data = self.cleaned_data
        out: dict[str, Any] = {k: data.get(k) for k in ("name", "description", "dsa", "omega")}
        for kind, field in SHIFTS.items():
            out[field] = {
                data[f"{kind}_party_{i}"]: data[f"{kind}_shift_{i}"]
                for i in range(self.row_count)
                if data.get(f"{kind}_party_{i}")
            }
        return out

    def rows(self, kind: str) -> list[tuple[Any, Any]]:
        count = range(self.row_count)
        return [(self[f"{kind}_party_{i}"], self[f"{kind}_shift_{i}"]) for i in count]

    def trust_rows(self) -> list[tuple[Any, Any]]:
        return self.rows("trust")

    def capability_rows(self) -> list[tuple[Any, Any]]:
        return self.rows("capability")

    def add_service_errors(self, exc: ValidationError) -> None:
        """The service's refusals, on the field they name (shifts above the rows)."""
        for name, problems in exc.message_dict.items():
            for problem in problems:
                self.add_error(name if name in ("name", "dsa", "omega") else None, problem)


def _team_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return list(writable_teams(request.user).values_list("pk", "name"))


@require_http_methods(["GET", "POST"])
@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    """The scenarios of the user's teams, and a form to add one to a team they analyse for."""
    teams = _team_choices(request)
    form = ScenarioForm(request.POST if request.method == "POST" else None, teams=teams)
    status = 200
    if request.method == "POST":
        if not teams:
            raise PermissionDenied("Only a team's analysts can add its scenarios.")
        if form.is_valid():
            team = writable_teams(request.user).get(pk=form.cleaned_data["team"])
            try:
                scenario = team_inputs.scenario_create(
                    team=team, author=request.user, data=form.scenario_data()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Scenario “{scenario.name}” added.")
                return redirect("workbench:scenarios")
        status = 400
    context = {
        "scenarios": selectors.scenario_list_for_user(user=request.user).order_by(
            "team__name", "name"
        ),
        "form": form,
        "can_add": bool(teams),
    }
    return render(request, "scoring/scenarios.html", context, status=status)


def _scenario_for(request: HttpRequest, pk: int, *, write: bool) -> Scenario:
    scenario = selectors.scenario_get_for_user(user=request.user, pk=pk)
    if write and not selectors.can_write(user=request.user, team_id=scenario.team_id):
        raise PermissionDenied("Only the team's analysts can change its scenarios.")
    return scenario


def _initial(scenario: Scenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "description": scenario.description,
        "dsa": scenario.dsa,
        "omega": scenario.omega,
        "trust_shifts": scenario.trust_shifts or {},
        "capability_shifts": scenario.capability_shifts or {},
    }


@require_http_methods(["GET", "POST"])
@login_required
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one scenario (analysts of its team); nothing is stored while the form has errors."""
    scenario = _scenario_for(request, pk, write=request.method == "POST")
    initial = _initial(scenario)
    form = ScenarioForm(
        request.POST if request.method == "POST" else None, teams=None, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                team_inputs.scenario_update(scenario=scenario, data=form.scenario_data())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Scenario “{scenario.name}” saved.")
                return redirect("workbench:scenarios")
        status = 400
    context = {
        "scenario": scenario,
        "title": initial["name"],
        "form": form,
        "can_write": selectors.can_write(user=request.user, team_id=scenario.team_id),
    }
    return render(request, "scoring/scenario_edit.html", context, status=status)


@require_POST
@login_required
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_for(request, pk, write=True)
    name = scenario.name
    team_inputs.scenario_delete(scenario=scenario)
    messages.success(request, f"Scenario “{name}” deleted.")
    return redirect("workbench:scenarios")
