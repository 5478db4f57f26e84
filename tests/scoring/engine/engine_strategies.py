"""Hypothesis strategies and small fixed drafts for the scoring-engine tests."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from scoring.engine import (
    ITEM_ATTRIBUTES,
    AccessMode,
    Alignment,
    BenefitItem,
    Cluster,
    Commitment,
    Condition,
    Covers,
    Disclosure,
    Levers,
    Line,
    Mechanism,
    MechanismType,
    Monitoring,
    OutputControls,
    Party,
    Phase,
    Purpose,
    Role,
    Scope,
    Snapshot,
    Throttling,
)

ENGINE = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Shared settings: derandomised so CI runs are reproducible."""

MECHANISM_TYPES = (
    MechanismType("track_record", 0.35, 0.9, name="Track record"),
    MechanismType("verification_body", 0.60, 0.6, name="Verification body"),
    MechanismType("peer_evaluation", 0.40, 0.7, name="Peer evaluation"),
    MechanismType("treaty", 0.50, 0.8, name="Treaty"),
    MechanismType("prespecified_consequences", 0.45, 0.9, name="Pre-specified consequences"),
    MechanismType("escrow", 0.80, 0.5, name="Escrow"),
    MechanismType("hardware_governance", 0.65, 0.3, name="Hardware governance"),
)

unit = st.floats(0.0, 1.0, allow_nan=False)
half_width = st.sampled_from([0.0, 0.05, 0.1])


@st.composite
def levers(draw: st.DrawFn) -> Levers:
    mode = draw(st.sampled_from(list(AccessMode)))
    weights = mode == AccessMode.WEIGHTS
    return Levers(
        scope=draw(st.sampled_from(list(Scope))),
        generation_lag=draw(st.integers(0, 3)),
        output_controls=draw(st.sampled_from(list(OutputControls))),
        monitoring=Monitoring.NONE if weights else draw(st.sampled_from(list(Monitoring))),
        access_mode=mode,
        throttling=Throttling.NONE if weights else draw(st.sampled_from(list(Throttling))),
        disclosure=draw(st.sampled_from(list(Disclosure))),
    )


@st.composite
def items(draw: st.DrawFn, slug: str) -> BenefitItem:
    values = {a: draw(unit) for a in ITEM_ATTRIBUTES}
    frontier = draw(st.booleans())
    return BenefitItem(
        slug=slug,
        cluster=Cluster.FRONTIER_AI if frontier else draw(st.sampled_from(list(Cluster))),
        levers_apply=frontier,
        name=slug.replace("-", " ").title(),
        uncertainty={a: draw(half_width) for a in draw(st.sets(st.sampled_from(ITEM_ATTRIBUTES)))},
        **values,
    )


@st.composite
def snapshots(draw: st.DrawFn, max_lines: int = 8, purpose: Purpose | None = None) -> Snapshot:
    """A valid random draft."""
    n_rec = draw(st.integers(1, 4))
    parties = [Party("PRV", "Provider", Role.PROVIDER)]
    for j in range(n_rec):
        parties.append(
            Party(
                f"R{j}",
                f"Recipient {j}",
                Role.RECIPIENT,
                draw(st.sampled_from(list(Alignment))),
                draw(unit),
                draw(unit),
                draw(unit),
                uncertainty={"trust": draw(half_width)},
            )
        )
    for j in range(draw(st.integers(0, 2))):
        parties.append(Party(f"X{j}", f"Outsider {j}", Role.EXCLUDED, Alignment.COMPETITOR))
    n_items = draw(st.integers(1, 4))
    catalog = [draw(items(f"item-{k}")) for k in range(n_items)]
    phases = [Phase(f"p{k}", k + 1, draw(st.booleans())) for k in range(draw(st.integers(0, 3)))]
    phase_keys = [None, *(p.key for p in phases)]
    lines = []
    for i in range(draw(st.integers(0, max_lines))):
        item = catalog[draw(st.integers(0, n_items - 1))]
        lines.append(
            Line(
                f"l{i}",
                item.slug,
                f"R{draw(st.integers(0, n_rec - 1))}",
                draw(st.floats(0.01, 1.0)),
                draw(st.sampled_from(phase_keys)),
                draw(levers()) if item.levers_apply else None,
            )
        )
    commitments = [
        Commitment("restraint", 0.5, 0.5, restraint=True, name="Development pause"),
        Commitment("compact", 0.3, 0.6, race_framing=draw(unit), name="Supply-chain compact"),
    ]
    conditions = [
        Condition(
            f"c{k}",
            draw(st.sampled_from(["restraint", "compact"])),
            f"R{draw(st.integers(0, n_rec - 1))}",
            draw(unit),
            draw(unit),
            draw(st.booleans()),
            draw(st.sampled_from(phase_keys)),
        )
        for k in range(draw(st.integers(0, 4)))
    ]
    mechanisms = [
        Mechanism(
            f"m{k}",
            draw(st.sampled_from(MECHANISM_TYPES)).slug,
            draw(unit),
            draw(st.sampled_from(list(Covers))),
        )
        for k in range(draw(st.integers(0, 3)))
    ]
    return Snapshot(
        purpose=purpose or draw(st.sampled_from(list(Purpose))),
        dsa=draw(unit),
        parties=tuple(parties),
        items=tuple(catalog),
        lines=tuple(lines),
        commitments=tuple(commitments),
        conditions=tuple(conditions),
        mechanism_types=MECHANISM_TYPES,
        mechanisms=tuple(mechanisms),
        phases=tuple(phases),
        min_participation=draw(st.integers(0, 3)),
        label="draft",
    )


def example_draft(label: str = "Example") -> Snapshot:
    """A small coalition draft used by several tests and the worked example."""
    return Snapshot(
        purpose=Purpose.COALITION,
        dsa=0.3,
        parties=(
            Party("USA", "United States", Role.PROVIDER),
            Party("BRA", "Brazil", Role.RECIPIENT, Alignment.NEUTRAL, 0.4, 0.3, 0.5),
            Party("JPN", "Japan", Role.RECIPIENT, Alignment.ALLY, 0.8, 0.7, 0.8),
            Party("CHN", "China", Role.EXCLUDED, Alignment.COMPETITOR),
        ),
        items=(
            BenefitItem(
                "aid", Cluster.FINANCIAL_RESOURCE, p=0.1, t=0.9, r=0.3, d=0.0, q=0.0,
                c=0.6, v=0.7, a=0.2, name="Monetary aid",
            ),
            BenefitItem(
                "model-access", Cluster.FRONTIER_AI, p=0.5, t=0.6, r=0.5, d=0.8, q=0.2,
                c=0.3, v=0.9, a=0.9, levers_apply=True, name="Frontier model access",
            ),
        ),
        lines=(
            Line("aid-bra", "aid", "BRA", 0.5, "p1"),
            Line("model-jpn", "model-access", "JPN", 0.8, "p1",
                 Levers(monitoring=Monitoring.REALTIME, generation_lag=1)),
            Line("model-bra", "model-access", "BRA", 0.4, "p2",
                 Levers(scope=Scope.NARROW, access_mode=AccessMode.API)),
        ),
        commitments=(
            Commitment("safety-regulation", 0.4, 0.6, restraint=True,
                       name="Domestic safety regulation"),
            Commitment("export-controls", 0.3, 0.5, race_framing=0.6, name="Export controls"),
        ),
        conditions=(
            Condition("reg-bra", "safety-regulation", "BRA", 0.5, 0.6, reversible=True, phase="p1"),
            Condition("exp-jpn", "export-controls", "JPN", 0.3, 0.5, phase="p2"),
        ),
        mechanism_types=MECHANISM_TYPES,
        mechanisms=(
            Mechanism("treaty", "treaty", 0.7),
            Mechanism("iaea", "verification_body", 0.5, Covers.RECIPIENTS),
        ),
        phases=(Phase("p1", 1), Phase("p2", 2, reversible=False)),
        label=label,
    )  # fmt: skip
