"""The decision memo of a draft: what an analyst hands a minister.

:func:`memo_assemble` is pure: the draft's document, the score run it names (its stored
result) and, when the memo is made from a comparison, that comparison's result, in; a
:class:`Memo` out. Every sentence about a score is generated from the run's numbers and
the documented bands of :mod:`workbench.documents.bands`, so the memo cannot say
something the run does not. A draft without a finished score gets a memo that says so
and quotes no numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scoring.stored import ScoreResult, ScoreSummary
from workbench.documents.bands import CREDIBILITY, RISK, SPREAD, VIABILITY
from workbench.documents.treaty import TreatyFacts, duration_words, quantity_words

RISKS: tuple[tuple[str, str], ...] = (
    ("risk_proliferation", "proliferation"),
    ("risk_instability", "geopolitical instability"),
    ("risk_perverse", "perverse incentives"),
    ("risk_signalling", "signalling"),
    ("risk_framing", "race framing"),
)
ANNEX: tuple[tuple[str, str], ...] = (
    ("credibility", "Credibility (0 to 100)"),
    ("viability", "Viability (share of samples in force)"),
    ("risk_overall", "Overall risk"),
    *((key, f"Risk: {label}") for key, label in RISKS),
    ("power_sharing", "Power-sharing index"),
    ("doubt_discount", "Doubt discount"),
    ("min_net_incentive", "Weakest net incentive"),
    ("provider_cost", "Provider cost"),
    ("provider_value", "Provider value"),
    ("provider_surplus", "Provider surplus"),
    ("leverage", "Leverage"),
)
CRITERIA = {
    "credibility": "credibility",
    "risk_overall": "overall risk",
    "power_sharing": "power-sharing",
    "min_net_incentive": "the weakest net incentive",
    "leverage": "leverage",
    "viability": "viability",
}


@dataclass(frozen=True)
class Position:
    """What the deal asks of and gives one party."""

    key: str
    name: str
    role: str
    gets: tuple[str, ...]
    gives: tuple[str, ...]
    verdict: str = ""


@dataclass(frozen=True)
class AnnexRow:
    key: str
    label: str
    value: float | None
    p5: float | None
    p50: float | None
    p95: float | None


@dataclass(frozen=True)
class RunFacts:
    """The score run a memo names."""

    run: int
    revision: int
    parameter_version: str
    seed: int
    n_samples: int
    current: bool
    """Whether the run scored the draft's current revision (and is not stale)."""


@dataclass(frozen=True)
class Memo:
    """A decision memo: bottom line first, then positions, scores, options, questions."""

    title: str
    revision: int | None
    bottom_line: str
    positions: tuple[Position, ...]
    scores: tuple[str, ...]
    options: tuple[str, ...]
    open_questions: tuple[str, ...]
    red_lines: tuple[str, ...]
    annex: tuple[AnnexRow, ...] = ()
    run: RunFacts | None = None
    unscored: str = ""
    """Why the memo has no scores (empty when it has)."""
    label: str = ""
    warnings: tuple[str, ...] = field(default=())

    @property
    def scored(self) -> bool:
        return self.run is not None

    @property
    def model_version(self) -> str:
        return self.run.parameter_version if self.run else ""

    def headings(self) -> list[str]:
        """The section headings the memo shows, in order."""
        heads = ["Bottom line", "What the deal asks and gives"]
        heads.append("What the scores say")
        if self.options:
            heads.append("Options compared")
        heads += ["Open questions", "Red lines"]
        if self.annex:
            heads.append("Annex: the numbers")
        return heads


# -- sentences from the run's numbers ---------------------------------------------------


def _summary(result: ScoreResult, key: str) -> ScoreSummary | None:
    return result["scores"].get(key)


def _point(summary: ScoreSummary | None, stat: str = "value") -> float | None:
    if summary is None:
        return None
    value: Any = dict(summary).get(stat)
    return None if value is None else float(value)


def _interval(summary: ScoreSummary | None, digits: int, scale: float) -> str:
    low, high = _point(summary, "p5"), _point(summary, "p95")
    if low is None or high is None:
        return ""
    spread = SPREAD.word((high - low) / scale)
    return f"90% interval {low:.{digits}f} to {high:.{digits}f}: {spread}"


def credibility_sentence(result: ScoreResult) -> str:
    summary = _summary(result, "credibility")
    value = _point(summary)
    if value is None:
        return "Credibility could not be computed for this draft."
    sentence = (
        f"Credibility is {CREDIBILITY.word(value)} at {value:.0f} out of 100 "
        f"({_interval(summary, 0, 100.0)})."
    )
    doubt = _point(_summary(result, "doubt_discount"))
    if doubt is not None:
        sentence += f" Recipients write off {doubt:.0%} of what they stake for doubt."
    return sentence


def viability_sentence(result: ScoreResult) -> str:
    summary = _summary(result, "viability")
    share = _point(summary, "mean")
    if share is None:
        share = _point(summary)
    if share is None:
        return "Viability could not be computed for this draft."
    return (
        f"As drafted, the agreement is {VIABILITY.word(share)}: it does in {share:.0%} of "
        f"the {result['n_samples']:,} simulated worlds."
    )


def top_risks(result: ScoreResult, count: int = 2) -> list[tuple[str, str, float]]:
    """The ``count`` largest risks: ``(key, name, point value)``, largest first."""
    risks = [
        (key, name, value)
        for key, name in RISKS
        if (value := _point(_summary(result, key))) is not None
    ]
    return sorted(risks, key=lambda r: -r[2])[:count]


def risk_sentence(result: ScoreResult, key: str, name: str) -> str:
    summary = _summary(result, key)
    value = _point(summary) or 0.0
    drivers = [
        c["label"]
        for c in sorted(result["contributions"].get(key, []), key=lambda c: -c["amount"])
        if c["amount"] > 0
    ][:2]
    sentence = (
        f"The risk of {name} is {RISK.word(value)} at {value:.2f} ({_interval(summary, 2, 1.0)})"
    )
    if drivers:
        sentence += f", driven mostly by {' and '.join(drivers)}"
    return sentence + "."


def _verdict(recipient: Mapping[str, Any]) -> str:
    probability = recipient.get("sign_probability")
    odds = "" if probability is None else f" (it signs in {probability:.0%} of samples)"
    net = float(recipient.get("net_incentive") or 0.0)
    if recipient.get("would_sign", net >= 0):
        return f"would sign: its net incentive is {net:+.2f}{odds}"
    if net < 0:
        return f"would not sign: it gains {-net:.2f} less than it gives up{odds}"
    return f"would not sign: it does better outside the coalition{odds}"


def bottom_line(result: ScoreResult, names: Mapping[str, str]) -> str:
    """One paragraph: recommend, or say what blocks the deal, from the run's numbers."""
    viability = _point(_summary(result, "viability"), "mean") or 0.0
    credibility = _point(_summary(result, "credibility")) or 0.0
    holdouts = [
        r["name"] for r in result["recipients"] if not r.get("would_sign", r["net_incentive"] >= 0)
    ]
    risks = top_risks(result, 1)
    risk = f" Its largest risk is {risks[0][1]} ({RISK.word(risks[0][2])})." if risks else ""
    if holdouts:
        who = ", ".join(holdouts)
        return (
            f"Do not table this draft as it stands: {who} would not sign, so it is "
            f"{VIABILITY.word(viability)} ({viability:.0%}). Rework the terms for "
            f"{'them' if len(holdouts) > 1 else 'it'} first.{risk}"
        )
    if viability >= 0.6 and credibility >= 60:
        return (
            f"Proceed: every recipient would sign, the agreement is "
            f"{VIABILITY.word(viability)} ({viability:.0%}) and its credibility is "
            f"{CREDIBILITY.word(credibility)} ({credibility:.0f}).{risk}"
        )
    return (
        f"Proceed only with changes: every recipient would sign on the central values, but "
        f"the agreement is {VIABILITY.word(viability)} ({viability:.0%}) and its "
        f"credibility is {CREDIBILITY.word(credibility)} ({credibility:.0f}).{risk}"
    )


# -- the draft's positions --------------------------------------------------------------


def _rows(document: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    rows = document.get(section)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


def _part_text(name: str, row: Mapping[str, Any]) -> str:
    quantity = quantity_words(row.get("amount"), row.get("unit"))
    duration = duration_words(row.get("duration_months"))
    extra = ", ".join(x for x in (quantity, f"for {duration}" if duration else "") if x)
    return f"{name} ({extra})" if extra else name


def positions(
    document: Mapping[str, Any], facts: TreatyFacts, result: ScoreResult | None
) -> list[Position]:
    parties = [p for p in _rows(document, "parties") if p.get("key")]
    names = {
        str(p["key"]): str(p.get("name") or facts.names.get(str(p.get("actor")), p["key"]))
        for p in parties
    }
    lines, conditions = _rows(document, "lines"), _rows(document, "conditions")

    def benefit(row: Mapping[str, Any]) -> str:
        return _part_text(facts.names.get(str(row.get("item")), str(row.get("item"))), row)

    def commitment(row: Mapping[str, Any]) -> str:
        slug = str(row.get("commitment"))
        return _part_text(facts.names.get(slug, slug), row)

    verdicts = {r["key"]: _verdict(r) for r in (result["recipients"] if result else [])}
    out = []
    for party in parties:
        key, role = str(party["key"]), str(party.get("role"))
        if role == "provider":
            gives = [f"{benefit(r)} to {names.get(str(r.get('recipient')), '?')}" for r in lines]
            gets = [
                f"{commitment(c)} from {names.get(str(c.get('recipient')), '?')}"
                for c in conditions
            ]
            out.append(Position(key, names[key], role, tuple(gets), tuple(gives)))
        elif role == "recipient":
            gets = [benefit(r) for r in lines if r.get("recipient") == key]
            gives = [commitment(c) for c in conditions if c.get("recipient") == key]
            out.append(
                Position(key, names[key], role, tuple(gets), tuple(gives), verdicts.get(key, ""))
            )
    return out


def red_lines(
    document: Mapping[str, Any], facts: TreatyFacts, result: ScoreResult | None
) -> list[str]:
    """What cannot be undone or changes the balance of power: the lines to hold."""
    out = []
    for line in _rows(document, "lines"):
        levers = line.get("levers")
        if isinstance(levers, Mapping) and levers.get("access_mode") == "weights":
            name = facts.names.get(str(line.get("item")), str(line.get("item")))
            out.append(f"{name}: model weights cannot be recalled once handed over.")
    for row in result["lines"] if result else []:
        if row["label"] == "power_sharing":
            out.append(
                f"{row['item_name']} for {row['recipient_name']} is power-sharing, not "
                "benefit-sharing: it shifts the balance of power for good."
            )
    irreversible = [
        str(p.get("name")) for p in _rows(document, "phases") if p.get("reversible") is False
    ]
    if irreversible:
        out.append(f"Irreversible phases: {', '.join(irreversible)}. Their steps cannot be undone.")
    fixed = [
        facts.names.get(str(c.get("commitment")), str(c.get("commitment")))
        for c in _rows(document, "conditions")
        if c.get("reversible") is not True
    ]
    if fixed:
        out.append(f"Commitments asked as permanent steps: {', '.join(dict.fromkeys(fixed))}.")
    return out


def open_questions(document: Mapping[str, Any], result: ScoreResult | None) -> list[str]:
    out = []
    unstated = [r for r in _rows(document, "lines") if r.get("amount") is None]
    if unstated:
        out.append(
            f"No amount is stated for {len(unstated)} of the {len(_rows(document, 'lines'))} "
            "benefits; the treaty text describes their extent in words only."
        )
    if result is None:
        return out
    for recipient in result["recipients"]:
        probability = recipient.get("sign_probability")
        if probability is not None and 0.2 <= probability <= 0.8:
            out.append(
                f"Will {recipient['name']} sign? It does in {probability:.0%} of samples: "
                "its decision turns on values that are uncertain."
            )
    out += [w["message"] for w in result["warnings"][:6]]
    return out


# -- options compared ---------------------------------------------------------------------


def options_compared(comparison: Mapping[str, Any], label: str) -> list[str]:
    """Which draft comes first, why, and what would flip it (from the comparison's numbers)."""
    drafts = comparison.get("drafts") or []
    if len(drafts) < 2:
        return []
    ranked = sorted(drafts, key=lambda d: -(d["rank_acceptability"][0] or 0.0))
    best = ranked[0]
    out = [
        f'"{best["label"]}" comes first in {best["rank_acceptability"][0]:.0%} of the '
        "weightings compared, against "
        + ", ".join(f'"{d["label"]}" {d["rank_acceptability"][0]:.0%}' for d in ranked[1:])
        + "."
    ]
    if best["label"] != label:
        out.append(f'This memo\'s draft, "{label}", is not the one the comparison favours.')
    for pair in comparison.get("pairs") or []:
        if best["label"] not in (pair["a"], pair["b"]):
            continue
        other = pair["b"] if pair["a"] == best["label"] else pair["a"]
        wins = {
            c: p if pair["a"] == best["label"] else 1 - p
            for c, p in (pair.get("win_probability") or {}).items()
            if p is not None
        }
        strong = [
            CRITERIA.get(c, c) for c, p in sorted(wins.items(), key=lambda x: -x[1]) if p >= 0.6
        ]
        if strong:
            out.append(
                f'Against "{other}", it is better on {", ".join(strong[:3])} in most samples.'
            )
    flip = comparison.get("smallest_flip")
    if flip and flip.get("flip_weight") is not None:
        criterion = CRITERIA.get(flip["criterion"], flip["criterion"])
        out.append(
            f"The choice flips if the weight on {criterion} "
            f"moves from {flip['weight']:.2f} to {flip['flip_weight']:.2f}."
        )
    else:
        out.append("No change of a single criterion's weight flips the choice.")
    return out


# -- the memo -----------------------------------------------------------------------------


def memo_assemble(
    document: Mapping[str, Any],
    facts: TreatyFacts,
    *,
    result: ScoreResult | None,
    run: RunFacts | None,
    revision: int | None = None,
    unscored: str = "",
    comparison: Mapping[str, Any] | None = None,
) -> Memo:
    """The memo of ``document`` scored by ``run`` (``result`` is its stored result)."""
    title = str(document.get("title") or "").strip() or "Untitled draft"
    options = options_compared(comparison, title) if comparison else []
    if result is None or run is None:
        reason = unscored or "This draft has not been scored yet."
        return Memo(
            title=title,
            revision=revision,
            bottom_line=(
                f"No recommendation yet: {reason[:1].lower()}{reason[1:]} This memo states "
                "what the deal asks and gives; its scores will follow once a score run "
                "finishes."
            ),
            positions=tuple(positions(document, facts, None)),
            scores=("There are no scores for this draft yet, so this memo quotes none.",),
            options=tuple(options),
            open_questions=tuple(open_questions(document, None)),
            red_lines=tuple(red_lines(document, facts, None)),
            unscored=reason,
        )
    names = {r["key"]: r["name"] for r in result["recipients"]}
    scores = [viability_sentence(result), credibility_sentence(result)]
    scores += [risk_sentence(result, key, name) for key, name, _ in top_risks(result)]
    if not run.current:
        scores.insert(
            0,
            f"These scores are of revision {run.revision}; the draft has changed since, so "
            "re-score it before relying on them.",
        )
    annex = tuple(
        AnnexRow(
            key,
            label,
            _point(summary),
            _point(summary, "p5"),
            _point(summary, "p50"),
            _point(summary, "p95"),
        )
        for key, label in ANNEX
        if (summary := _summary(result, key)) is not None
    )
    return Memo(
        title=title,
        revision=revision,
        bottom_line=bottom_line(result, names),
        positions=tuple(positions(document, facts, result)),
        scores=tuple(scores),
        options=tuple(options),
        open_questions=tuple(open_questions(document, result)),
        red_lines=tuple(red_lines(document, facts, result)),
        annex=annex,
        run=run,
        label=result["label"],
        warnings=tuple(w["message"] for w in result["warnings"]),
    )
