"""The versioned parameter set: every constant of the scoring model in one object.

Scores record ``ParameterSet.version`` so a stored number can always be traced back
to the constants that produced it. ``parameter_rows`` flattens the set into
``(name, value)`` rows; ``docs/methodology.md`` prints the same rows and a test
fails when the two drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

LEVER_ORDER: tuple[str, ...] = (
    "scope",
    "generation_lag",
    "output_controls",
    "monitoring",
    "access_mode",
    "throttling",
    "disclosure",
)
"""Levers in the order they are applied (section 2)."""

RISK_NAMES: tuple[str, ...] = (
    "risk_proliferation",
    "risk_instability",
    "risk_perverse",
    "risk_signalling",
    "risk_framing",
)

RISK_WEIGHT_KEYS: tuple[str, ...] = (
    "proliferation",
    "instability",
    "perverse",
    "signalling",
    "framing",
)
"""Keys accepted in ``Snapshot.risk_weights`` (the short names of ``RISK_NAMES``)."""


@dataclass(frozen=True)
class LeverEffect:
    """What one lever setting does to a line's attributes.

    Applied as: multiply (``*_mul``), pull towards 1 (``x + (1 - x) * pull``), clip
    to [0, 1]; revocability is then raised to ``r_floor`` and capped at ``r_cap``.
    """

    p_mul: float = 1.0
    d_mul: float = 1.0
    v_mul: float = 1.0
    p_pull: float = 0.0
    d_pull: float = 0.0
    r_floor: float = 0.0
    r_cap: float = 1.0


def _effects(values: Mapping[str, LeverEffect]) -> Mapping[str, LeverEffect]:
    return MappingProxyType(dict(values))


def _default_levers() -> Mapping[str, Mapping[str, LeverEffect]]:
    none = LeverEffect()
    return MappingProxyType(
        {
            "scope": _effects(
                {"general": none, "narrow": LeverEffect(p_mul=0.6, d_mul=0.5, v_mul=0.7)}
            ),
            "output_controls": _effects(
                {
                    "none": none,
                    "fine_tuned": LeverEffect(d_mul=0.8),
                    "filtered": LeverEffect(d_mul=0.8),
                    "both": LeverEffect(d_mul=0.65),
                }
            ),
            "monitoring": _effects(
                {
                    "none": none,
                    "periodic_audit": LeverEffect(d_mul=0.8),
                    "realtime": LeverEffect(d_mul=0.6),
                }
            ),
            "access_mode": _effects(
                {
                    "api": LeverEffect(r_floor=0.9),
                    "weights": LeverEffect(p_pull=0.5, d_pull=0.5, r_cap=0.0),
                    "compute_inference": LeverEffect(p_mul=0.8, r_floor=0.8),
                    "compute_training_governed": LeverEffect(p_mul=1.1, d_mul=1.1, r_floor=0.6),
                }
            ),
            "throttling": _effects(
                {
                    "none": none,
                    "moderate": LeverEffect(p_mul=0.9, v_mul=0.9),
                    "strict": LeverEffect(p_mul=0.75, v_mul=0.75),
                }
            ),
            "disclosure": _effects(
                {
                    "none": none,
                    "partial": LeverEffect(p_mul=1.05, d_mul=1.1),
                    "full": LeverEffect(p_mul=1.15, d_mul=1.3),
                }
            ),
        }
    )


def _floats(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class ParameterSet:
    """All constants of scoring model version ``version`` (see docs/methodology.md)."""

    version: str = "2027.1.0"
    # Section 2: levers. ``generation_lag`` is applied once per generation behind.
    levers: Mapping[str, Mapping[str, LeverEffect]] = field(default_factory=_default_levers)
    generation_lag: LeverEffect = LeverEffect(p_mul=0.75, d_mul=0.8, v_mul=0.85)
    max_generation_lag: int = 3
    # Section 3: value and power sharing.
    multiplier_financial_base: float = 0.8
    multiplier_frontier_base: float = 1.5
    multiplier_security_base: float = 0.5
    multiplier_seats_base: float = 0.75
    multiplier_seats_slope: float = 0.5
    multiplier_low: float = 0.25
    multiplier_high: float = 2.0
    lambda_: float = 0.7
    bundle_value_scale: float = 2.0
    label_power_p: float = 0.6
    label_power_max: float = 0.75
    label_power_bundle: float = 0.6
    label_borderline_p: float = 0.4
    label_borderline_bundle: float = 0.4
    line_power: float = 0.6
    line_borderline: float = 0.35
    # Section 4: credibility.
    alpha: float = 0.5
    gamma: float = 1.0
    theta_dsa: float = 0.5
    chi_later_phase: float = 0.2
    reversible_sacrifice_discount: float = 0.5
    phased_slug: str = "phased_reversible"
    staged_effectiveness: float = 0.4
    staged_erosion: float = 0.4
    # Section 5: risks.
    hostility: Mapping[str, float] = field(
        default_factory=lambda: _floats({"ally": 0.2, "neutral": 0.5, "competitor": 0.9})
    )
    exposure_capability_base: float = 0.5
    exposure_security_weight: float = 0.6
    recall_base: float = 0.3
    recall_slope: float = 0.6
    selective_capability_floor: float = 0.3
    selective_value_scale: float = 3.0
    observer_weight: float = 0.5
    inequality_weight: float = 0.3
    perverse_value_scale: float = 2.0
    perverse_base: float = 0.3
    perverse_slope: float = 0.7
    signalling_rate: float = 0.5
    risk_weights: Mapping[str, float] = field(
        default_factory=lambda: _floats(dict.fromkeys(RISK_WEIGHT_KEYS, 1.0))
    )
    # Section 6: participation, cost and the provider's side.
    xi_capability: float = 1.0
    rho_reversible: float = 0.25
    max_provider_value: float = 5.0
    max_mechanism_cost: float = 5.0
    outside_option_low: float = -5.0
    outside_option_high: float = 10.0
    # Section 7: uncertainty.
    default_half_width: float = 0.1
    default_value_half_width: float = 0.0
    max_value_half_width: float = 5.0
    default_samples: int = 2000
    max_samples: int = 100_000
    # Section 8: comparison.
    min_drafts: int = 2
    max_drafts: int = 6
    smaa_max_draw_rounds: int = 200
    # Section 10: coalitions.
    default_omega: float = 0.15
    max_players: int = 16
    max_exact_subset: int = 16
    stability_tolerance: float = 1e-9
    # Warning thresholds.
    warn_credibility_gap: float = 0.25
    warn_high_risk: float = 0.5
    warn_mechanism_erosion: float = 0.5
    warn_exposure: float = 0.1
    warn_uncertain_incentive: float = 0.25
    warn_fragile_coalition: float = 0.5
    warn_viability: float = 0.5
    warn_doubt_share: float = 0.05

    @property
    def phased_effectiveness(self) -> float:
        """2026.1 name of ``staged_effectiveness`` (the catalog's derived type mirrors it)."""
        return self.staged_effectiveness

    @property
    def phased_erosion(self) -> float:
        """2026.1 name of ``staged_erosion``."""
        return self.staged_erosion


DEFAULT_PARAMETERS = ParameterSet()
"""Parameter set 2027.1.0 of model version 2027.1 (docs/methodology.md)."""


def _effect_rows(prefix: str, effect: LeverEffect) -> list[tuple[str, float]]:
    neutral = LeverEffect()
    return [
        (f"{prefix}.{f.name}", float(getattr(effect, f.name)))
        for f in fields(LeverEffect)
        if getattr(effect, f.name) != getattr(neutral, f.name)
    ]


def parameter_rows(params: ParameterSet = DEFAULT_PARAMETERS) -> list[tuple[str, str]]:
    """Flatten ``params`` into ``(name, value)`` rows, values formatted with ``repr``.

    Lever effects list only the fields that differ from "no effect".
    """
    rows: list[tuple[str, str]] = []
    for f in fields(ParameterSet):
        value = getattr(params, f.name)
        if f.name == "levers":
            for lever, settings in value.items():
                for setting, effect in settings.items():
                    rows.extend(
                        (name, repr(v))
                        for name, v in _effect_rows(f"levers.{lever}.{setting}", effect)
                    )
        elif f.name == "generation_lag":
            rows.extend((name, repr(v)) for name, v in _effect_rows("generation_lag", value))
        elif isinstance(value, Mapping):
            rows.extend((f"{f.name}.{k}", repr(float(v))) for k, v in value.items())
        elif isinstance(value, str):
            rows.append((f.name, value))
        else:
            rows.append((f.name, repr(value)))
    return rows
