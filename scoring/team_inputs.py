"""What a team keeps for its analyses (design section 16): named scenarios, and weight
profiles typed or elicited from pairwise judgements (AHP).

Every input problem becomes a ``ValidationError`` naming the field, and nothing is
stored then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Team
from catalog.models import Actor
from scoring import engine
from scoring.engine import ahp as engine_ahp
from scoring.engine.validation import weight_errors
from scoring.models import Scenario, WeightProfile


def _engine_errors(exc: engine.EngineValidationError) -> ValidationError:
    return ValidationError(exc.by_field())


# --- Named scenarios -----------------------------------------------------------------------


def _check_shifts(name: str, values: Any, errors: dict[str, list[str]]) -> dict[str, float]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        errors.setdefault(name, []).append("Give an object of actor slug to shift.")
        return {}
    known = set(Actor.objects.filter(slug__in=list(values)).values_list("slug", flat=True))
    out: dict[str, float] = {}
    for slug, shift in values.items():
        if slug not in known:
            errors.setdefault(name, []).append(f"Unknown party {slug!r}: name a catalog actor.")
        elif isinstance(shift, bool) or not isinstance(shift, int | float) or not -1 <= shift <= 1:
            errors.setdefault(name, []).append(f"The shift of {slug!r} must be from -1 to 1.")
        else:
            out[str(slug)] = float(shift)
    return out


def _scenario_fields(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("name", "description"):
        if name in data:
            fields[name] = str(data[name]).strip()
    if "name" in fields and not fields["name"]:
        errors["name"] = ["Give the scenario a name."]
    for name in ("dsa", "omega"):
        if name in data:
            value = data[name]
            if value is not None and not (isinstance(value, int | float) and 0 <= value <= 1):
                errors[name] = ["Must be from 0 to 1, or null to keep each draft's own value."]
            fields[name] = value
    for name in ("trust_shifts", "capability_shifts"):
        if name in data:
            fields[name] = _check_shifts(name, data[name], errors)
    return fields


def _save(instance: Any, errors: dict[str, list[str]]) -> Any:
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError({"name": ["Your team already has one with this name."]}) from None
    return instance


def scenario_create(*, team: Team, author: Any, data: Mapping[str, Any]) -> Scenario:
    """A new named scenario of ``team``; unknown parties or values out of range are refused."""
    errors: dict[str, list[str]] = {}
    fields = _scenario_fields(data, errors)
    if not fields.get("name") and "name" not in errors:
        errors["name"] = ["Give the scenario a name."]
    return _save(Scenario(team=team, created_by=author, **fields), errors)


def scenario_update(*, scenario: Scenario, data: Mapping[str, Any]) -> Scenario:
    errors: dict[str, list[str]] = {}
    for name, value in _scenario_fields(data, errors).items():
        setattr(scenario, name, value)
    return _save(scenario, errors)


def scenario_delete(*, scenario: Scenario) -> None:
    scenario.delete()


# --- Weights: AHP elicitation and team profiles --------------------------------------------


def _judgements(raw: Sequence[Mapping[str, Any]]) -> list[engine_ahp.Judgement]:
    return [engine_ahp.Judgement(str(j["a"]), str(j["b"]), j["value"]) for j in raw]


def weights_elicit(
    *, judgements: Sequence[Mapping[str, Any]], criteria: Sequence[str] | None = None
) -> dict[str, Any]:
    """Weights from pairwise judgements (principal eigenvector), with the consistency
    ratio and, above 0.10, a message naming the judgement to revise first."""
    names = list(criteria or engine.CRITERIA)
    unknown = [c for c in names if c not in engine.CRITERIA]
    if unknown:
        raise ValidationError({"criteria": [f"Unknown criteria: {', '.join(unknown)}."]})
    try:
        return engine_ahp.ahp(names, _judgements(judgements)).to_dict()
    except engine.EngineValidationError as exc:
        raise _engine_errors(exc) from None


def _profile_fields(data: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "name" in data:
        fields["name"] = str(data["name"]).strip()
        if not fields["name"]:
            errors["name"] = ["Give the profile a name."]
    judgements = data.get("judgements")
    if judgements:
        try:
            elicited = weights_elicit(judgements=judgements, criteria=data.get("criteria"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            return fields
        if not elicited["consistent"]:
            errors["judgements"] = [elicited["message"]]
            return fields
        fields.update(
            weights=elicited["weights"],
            judgements=list(judgements),
            consistency_ratio=elicited["consistency_ratio"],
        )
    elif "weights" in data:
        weights = {k: float(v) for k, v in (data["weights"] or {}).items()}
        total = sum(weights.values())
        if total <= 0:
            errors["weights"] = ["At least one weight must be positive."]
        else:
            fields.update(
                weights={k: v / total for k, v in weights.items()},
                judgements=[],
                consistency_ratio=None,
            )
    spread = data.get("interval_spread")
    if spread is not None and "weights" in fields:
        fields["intervals"] = {
            k: list(v) for k, v in engine_ahp.weight_intervals(fields["weights"], spread).items()
        }
    elif "intervals" in data:
        fields["intervals"] = data["intervals"]
    if fields.get("intervals"):
        box = {k: (float(v[0]), float(v[1])) for k, v in fields["intervals"].items()}
        for name, problem in weight_errors(None, box, engine.CRITERIA):
            errors.setdefault(name, []).append(problem)
    return fields


def weight_profile_create(*, team: Team, author: Any, data: Mapping[str, Any]) -> WeightProfile:
    """A team weight profile from judgements (refused above CR 0.10) or typed weights."""
    errors: dict[str, list[str]] = {}
    fields = _profile_fields(data, errors)
    if "weights" not in fields and not errors:
        errors["weights"] = ["Give weights or a complete set of judgements."]
    if not fields.get("name") and "name" not in errors:
        errors["name"] = ["Give the profile a name."]
    return _save(WeightProfile(team=team, created_by=author, **fields), errors)


def weight_profile_update(*, profile: WeightProfile, data: Mapping[str, Any]) -> WeightProfile:
    errors: dict[str, list[str]] = {}
    for name, value in _profile_fields(data, errors).items():
        setattr(profile, name, value)
    return _save(profile, errors)


def weight_profile_delete(*, profile: WeightProfile) -> None:
    profile.delete()
