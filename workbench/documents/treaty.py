"""The treaty text of a draft: articles assembled from curated clause templates.

:func:`treaty_assemble` is pure: the draft's document, the catalog facts it uses
(:class:`TreatyFacts`) and the clause templates in, a :class:`Treaty` out. The articles
are definitions, the parties and objective, the undertakings of the provider and of
each recipient (with the draft's quantities, units and durations), verification and
reporting, entry into force, phased implementation, settlement of disputes,
withdrawal and consequences of breach, and final clauses. Magnitudes, strengths and
verifiabilities become words from :mod:`workbench.documents.bands`; no model number
appears. The only figures are the draft's own amounts, durations and participation
threshold, and article numbers.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.choices import ClauseCondition, ClauseKind
from catalog.choices import TreatyArticle as Part
from catalog.clauses import clause_render
from catalog.models import Actor, BenefitItem, Commitment, MechanismType
from workbench.documents.bands import EXTENT, STRENGTH, VERIFICATION
from workbench.documents.clauses import Clause, clause_templates, shipped_clauses

logger = logging.getLogger(__name__)

NUMBER_WORDS = [
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
PURPOSES = {
    "coalition": (
        "to build a coalition for the safe development of advanced AI, in which the "
        "benefits set out below offset the burden of shared safety commitments"
    ),
    "secure_lead": (
        "to ease the pressure of a close race in advanced AI, so that frontier development "
        "can slow down where safety requires it, by sharing its benefits"
    ),
    "welfare": "to share the gains of advanced AI widely and improve welfare beyond borders",
    "other": "to share the benefits of advanced AI in return for the commitments set out below",
}
COVERS = {
    "provider": "the undertakings of {provider}",
    "recipients": "the undertakings of the Recipient Parties",
    "both": "the undertakings of every Party",
}
DEFINITE_FIRST = frozenset({"United", "Netherlands", "Philippines", "Bahamas", "Gambia"})
DEFINITE_LAST = frozenset(
    {"Union", "Emirates", "Islands", "Republic", "Federation", "Kingdom", "States"}
)


@dataclass(frozen=True)
class Article:
    """One numbered article of the treaty text."""

    number: int
    key: str
    """Which article this is (``TreatyArticle``; ``recipient:<key>`` per recipient)."""
    title: str
    paragraphs: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"Article {self.number}. {self.title}"


@dataclass(frozen=True)
class Treaty:
    """The treaty text of one revision of a draft."""

    title: str
    parties: tuple[str, ...]
    articles: tuple[Article, ...]
    revision: int | None = None

    def text(self) -> str:
        """The whole text as plain text (title, then articles, blank-line separated)."""
        blocks = [self.title]
        blocks += ["\n\n".join((a.heading, *a.paragraphs)) for a in self.articles]
        return "\n\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class TreatyFacts:
    """What the treaty needs to know about the catalog entries a draft uses."""

    names: Mapping[str, str] = field(default_factory=dict)
    clusters: Mapping[str, str] = field(default_factory=dict)
    """Benefit item slug -> its cluster."""
    verifiability: Mapping[str, float] = field(default_factory=dict)
    """Commitment slug -> its catalog verifiability."""

    @classmethod
    def from_db(cls, document: Mapping[str, Any]) -> TreatyFacts:
        """The facts of every slug the document names (four queries)."""
        lines, conditions = _rows(document, "lines"), _rows(document, "conditions")
        items = BenefitItem.objects.filter(slug__in={r.get("item") for r in lines})
        commitments = Commitment.objects.filter(slug__in={r.get("commitment") for r in conditions})
        types = MechanismType.objects.filter(
            slug__in={r.get("type") for r in _rows(document, "mechanisms")}
        )
        actors = Actor.objects.filter(slug__in={r.get("actor") for r in _rows(document, "parties")})
        names: dict[str, str] = {}
        clusters: dict[str, str] = {}
        verifiability: dict[str, float] = {}
        for slug, name, cluster in items.values_list("slug", "name", "cluster"):
            names[slug], clusters[slug] = name, cluster
        for slug, name, value in commitments.values_list("slug", "name", "verifiability"):
            names[slug], verifiability[slug] = name, value
        names.update(dict(types.values_list("slug", "name")))
        names.update(dict(actors.values_list("slug", "name")))
        return cls(names=names, clusters=clusters, verifiability=verifiability)


# -- words ------------------------------------------------------------------------------

ACCESS_MODES = {
    "weights": "as model weights, which cannot be withdrawn once shared",
    "compute_inference": "as compute for running existing models, not for training new ones",
    "compute_training_governed": "as training compute limited by hardware-enabled governance",
}
MONITORING = {"periodic_audit": "periodic audits", "realtime": "real-time monitoring"}
OUTPUT_CONTROLS = {
    "fine_tuned": ("fine-tuned safeguards",),
    "filtered": ("filtered outputs",),
    "both": ("fine-tuned safeguards", "filtered outputs"),
}
THROTTLING = {"moderate": "with moderate throttling", "strict": "with strict throttling"}
DISCLOSURE = {
    "partial": "partial disclosure of model information",
    "full": "full disclosure of model information",
}


def access_terms(levers: Any) -> str:
    """The frontier-AI access levers of a line in plain words ("" when nothing to say):
    the benefit clauses' ``access_terms``."""
    if not isinstance(levers, Mapping):
        return ""

    def setting(name: str) -> str:
        value = levers.get(name)
        return value if isinstance(value, str) else ""

    mode = setting("access_mode")
    monitoring = MONITORING.get(setting("monitoring"))
    parts = []
    if mode == "api":
        parts.append("through a monitored API" if monitoring else "through an API")
    elif mode in ("compute_inference", "compute_training_governed"):
        parts.append(ACCESS_MODES[mode])
    if setting("scope") == "narrow":
        parts.append("restricted to narrow models for specific uses")
    controls = [monitoring] if monitoring else []
    controls += OUTPUT_CONTROLS.get(setting("output_controls"), ())
    if controls:
        parts.append(f"with {_join(controls)}")
    lag = levers.get("generation_lag")
    if isinstance(lag, int) and not isinstance(lag, bool) and lag > 0:
        generations = "generation" if lag == 1 else "generations"
        parts.append(f"{count_words(lag)} {generations} behind the frontier")
    if setting("throttling") in THROTTLING:
        parts.append(THROTTLING[setting("throttling")])
    if mode == "weights":  # last, so its "which ..." clause closes the list
        parts.append(ACCESS_MODES[mode])
    terms = ", ".join(parts)
    disclosure = DISCLOSURE.get(setting("disclosure"))
    if disclosure:
        terms = f"{terms}; {disclosure}" if terms else disclosure
    return terms


def count_words(number: int) -> str:
    """A count in words up to twenty, in figures above."""
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def quantity_words(amount: Any, unit: Any) -> str:
    """An amount and its unit as the draft states them ("2,500,000,000 USD")."""
    number = _number(amount)
    if number is None:
        return ""
    shown = f"{int(number):,}" if number == int(number) else f"{number:,.6f}".rstrip("0")
    return f"{shown} {str(unit or '').strip()}".strip()


def duration_words(months: Any) -> str:
    """A duration in months: in words up to ten, else in the draft's figures."""
    number = _number(months)
    if number is None or number <= 0:
        return ""
    if number == int(number):
        whole = int(number)
        if whole == 1:
            return "one month"
        return f"{NUMBER_WORDS[whole] if whole <= 10 else whole} months"
    return f"{number:g} months"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _with_article(name: str) -> str:
    words = name.split()
    if not words or words[0].lower() == "the":
        return name
    if words[0] in DEFINITE_FIRST or words[-1] in DEFINITE_LAST:
        return f"the {name}"
    return name


def _in_sentence(name: str) -> str:
    if len(name) > 1 and name[1].isupper():  # an acronym ("AI index ...")
        return name
    return name[:1].lower() + name[1:]


def _indefinite(name: str) -> str:
    plural = name.endswith("s") and not name.endswith(("ss", "us", "is"))
    if plural:
        return name
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _rows(document: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    rows = document.get(section)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


# -- assembly ---------------------------------------------------------------------------


class _Draft:
    """The document read defensively, with names and phases resolved once."""

    def __init__(self, document: Mapping[str, Any], facts: TreatyFacts) -> None:
        self.document = document
        self.facts = facts
        self.parties = [p for p in _rows(document, "parties") if p.get("key")]
        self.names = {str(p["key"]): self._party_name(p) for p in self.parties}
        self.provider_key = next(
            (str(p["key"]) for p in self.parties if p.get("role") == "provider"), None
        )
        self.provider = self.names.get(self.provider_key or "", "the Provider")
        self.recipients = [str(p["key"]) for p in self.parties if p.get("role") == "recipient"]
        self.phases = sorted(_rows(document, "phases"), key=lambda p: _number(p.get("order")) or 0)
        self.rank = {str(p.get("key")): i for i, p in enumerate(self.phases, start=1)}
        scenario = document.get("scenario")
        self.scenario: Mapping[str, Any] = scenario if isinstance(scenario, Mapping) else {}
        self.lines = _rows(document, "lines")
        self.conditions = _rows(document, "conditions")
        self.mechanisms = _rows(document, "mechanisms")

    def _party_name(self, party: Mapping[str, Any]) -> str:
        name = party.get("name")
        if not (isinstance(name, str) and name.strip()):
            name = self.facts.names.get(str(party.get("actor") or ""), str(party.get("key")))
        return _with_article(str(name).strip())

    def role(self, role: str) -> list[str]:
        return [self.names[str(p["key"])] for p in self.parties if p.get("role") == role]

    def phase_of(self, row: Mapping[str, Any]) -> int:
        return self.rank.get(str(row.get("phase")), 1)

    def timing(self, row: Mapping[str, Any], *, start: bool = False) -> str:
        """When a part applies, as a phrase ("in the second phase (Verified halt)")."""
        if not self.phases:
            return "from the entry into force of this Agreement"
        rank = self.phase_of(row)
        phase = self.phases[rank - 1]
        name = str(phase.get("name") or "").strip()
        ordinal = ORDINALS[rank - 1] if rank <= len(ORDINALS) else "later"
        if start:
            if rank == 1:
                return "from the entry into force of this Agreement"
            return f"from the start of the {ordinal} phase ({name})"
        return f"in the {ordinal} phase ({name})" if name else f"in the {ordinal} phase"

    def staged(self) -> list[str]:
        """Recipients with a reversible commitment in a later phase than a benefit they
        receive (the staged reciprocity of the scoring model, section 4)."""
        out = []
        for key in self.recipients:
            first = [self.phase_of(r) for r in self.lines if r.get("recipient") == key]
            later = [
                self.phase_of(c)
                for c in self.conditions
                if c.get("recipient") == key and c.get("reversible") is True
            ]
            if first and later and max(later) > min(first):
                out.append(self.names[key])
        return out

    def holds(self, condition: str) -> bool:
        """Whether an optional clause's condition holds for this draft."""
        checks: dict[str, Callable[[], bool]] = {
            ClauseCondition.ALWAYS: lambda: True,
            ClauseCondition.WEIGHTS_SHARED: lambda: any(
                isinstance(r.get("levers"), Mapping) and r["levers"].get("access_mode") == "weights"
                for r in self.lines
            ),
            ClauseCondition.OBSERVERS: lambda: bool(self.role("observer")),
            ClauseCondition.EXCLUDED: lambda: bool(self.role("excluded")),
            ClauseCondition.THRESHOLD: lambda: bool(self.threshold()),
            ClauseCondition.REVERSIBLE_STEPS: lambda: any(
                c.get("reversible") is True for c in self.conditions
            ),
            ClauseCondition.IRREVERSIBLE_PHASE: lambda: any(
                p.get("reversible") is False for p in self.phases
            ),
            ClauseCondition.TREATY: lambda: any(m.get("type") == "treaty" for m in self.mechanisms),
        }
        return checks.get(condition, lambda: False)()

    def threshold(self) -> int:
        value = self.scenario.get("min_participation")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _article_plan(draft: _Draft) -> list[tuple[str, str]]:
    """The articles this draft's treaty has, in order: ``(key, title)``."""
    plan = [
        (Part.DEFINITIONS.value, "Definitions"),
        (Part.OBJECTIVE.value, "Parties and objective"),
    ]
    if draft.lines:
        plan.append((Part.PROVIDER.value, f"Undertakings of {draft.provider}"))
    for key in draft.recipients:
        if any(c.get("recipient") == key for c in draft.conditions):
            plan.append((f"{Part.RECIPIENT.value}:{key}", f"Undertakings of {draft.names[key]}"))
    plan += [
        (Part.VERIFICATION.value, "Verification and reporting"),
        (Part.ENTRY_INTO_FORCE.value, "Entry into force"),
    ]
    if draft.phases:
        plan.append((Part.PHASES.value, "Phased implementation"))
    plan += [
        (Part.DISPUTES.value, "Settlement of disputes"),
        (Part.BREACH.value, "Withdrawal and consequences of breach"),
        (Part.FINAL.value, "Final clauses"),
    ]
    return plan


class _Assembly:
    """Renders clauses into the articles of one draft."""

    def __init__(
        self, draft: _Draft, templates: Mapping[tuple[str, str], Clause], numbers: dict[str, str]
    ) -> None:
        self.draft = draft
        self.templates = templates
        observers = draft.role("observer")
        self.common: dict[str, Any] = {
            "provider": draft.provider,
            "recipients": _join([draft.names[k] for k in draft.recipients]) or "no State yet",
            "each_recipient": (
                f"each of {_join([draft.names[k] for k in draft.recipients])}"
                if len(draft.recipients) > 1
                else draft.names.get(next(iter(draft.recipients), ""), "no State yet")
            ),
            "parties": _join(
                [draft.provider, *(draft.names[k] for k in draft.recipients)]
                if draft.provider_key
                else [draft.names[k] for k in draft.recipients]
            ),
            "title": str(draft.document.get("title") or "").strip(),
            "purpose": PURPOSES.get(str(draft.document.get("purpose")), PURPOSES["other"]),
            "phase_count": count_words(len(draft.phases)) if len(draft.phases) >= 2 else "",
            "threshold": count_words(draft.threshold()) if draft.threshold() else "",
            "articles": numbers,
            "observers": _join(observers),
            "observer_noun": "an observer" if len(observers) == 1 else "observers",
            "excluded": _join(draft.role("excluded")),
        }
        self.definitions: dict[str, None] = {}

    def render(self, clause: Clause, extra: Mapping[str, Any] | None = None) -> list[str]:
        """The clause's paragraphs; its definition joins the Definitions article. A
        curated template that fails on this draft falls back to the shipped one."""
        context = {**self.common, **(extra or {})}
        try:
            paragraphs = clause_render(clause.body, context)
            definition = clause_render(clause.definition, context) if clause.definition else []
        except Exception:  # a curated template that renders on samples but not here
            logger.exception("clause template %s failed; using the shipped text", clause.slug)
            shipped = shipped_clauses().get((clause.kind, clause.subject))
            if shipped is None or shipped == clause:
                return []
            return self.render(shipped, extra)
        self.definitions.update(dict.fromkeys(definition))
        return paragraphs

    def template(self, kind: str, subject: str) -> Clause | None:
        return self.templates.get((kind, subject))

    def standard(self, article: str) -> list[str]:
        """Standard and phase-structure clauses of an article whose condition holds."""
        clauses = sorted(
            (
                c
                for c in self.templates.values()
                if c.kind == ClauseKind.STANDARD
                and c.article == article
                and self.draft.holds(c.condition)
            ),
            key=lambda c: (c.position, c.slug),
        )
        return [p for c in clauses for p in self.render(c)]

    def mechanism_clauses(self, article: str) -> list[str]:
        paragraphs = []
        for mechanism in self.draft.mechanisms:
            clause = self.template(ClauseKind.MECHANISM_TYPE, str(mechanism.get("type")))
            if clause is None or clause.article != article:
                continue
            name = self.draft.facts.names.get(str(mechanism.get("type")), "")
            strength = _number(mechanism.get("strength"))
            covers = COVERS.get(str(mechanism.get("covers")), COVERS["both"])
            paragraphs += self.render(
                clause,
                {
                    "mechanism": _indefinite(_in_sentence(name)) if name else "",
                    "strength": STRENGTH.word(strength) if strength is not None else "",
                    "covers": covers.format(provider=self.draft.provider),
                    "timing": self.draft.timing(mechanism, start=True),
                },
            )
        return paragraphs

    def provider_article(self) -> list[str]:
        draft = self.draft
        paragraphs = []
        order = {key: i for i, key in enumerate(draft.recipients)}
        lines = sorted(
            draft.lines,
            key=lambda r: (order.get(str(r.get("recipient")), 99), draft.phase_of(r)),
        )
        for line in lines:
            item = str(line.get("item"))
            cluster = draft.facts.clusters.get(item, "other")
            clause = self.template(ClauseKind.BENEFIT_KIND, cluster) or self.template(
                ClauseKind.BENEFIT_KIND, "other"
            )
            if clause is None:
                continue
            levers = line.get("levers")
            magnitude = _number(line.get("magnitude"))
            paragraphs += self.render(
                clause,
                {
                    "recipient": draft.names.get(str(line.get("recipient")), "the Recipient"),
                    "benefit": draft.facts.names.get(item, item.replace("-", " ")),
                    "extent": EXTENT.word(magnitude) if magnitude is not None else "",
                    "quantity": quantity_words(line.get("amount"), line.get("unit")),
                    "duration": duration_words(line.get("duration_months")),
                    "timing": draft.timing(line),
                    "access_terms": access_terms(levers),
                    "weights": isinstance(levers, Mapping)
                    and levers.get("access_mode") == "weights",
                },
            )
        return paragraphs + self.standard(Part.PROVIDER)

    def recipient_article(self, key: str) -> list[str]:
        draft = self.draft
        paragraphs = []
        rows = sorted(
            (c for c in draft.conditions if c.get("recipient") == key), key=draft.phase_of
        )
        for condition in rows:
            slug = str(condition.get("commitment"))
            clause = self.template(ClauseKind.COMMITMENT, slug)
            name = _in_sentence(draft.facts.names.get(slug, slug.replace("-", " ")))
            if clause is None:
                clause = self.template(ClauseKind.STANDARD, "commitment")
            if clause is None:
                paragraphs.append(
                    f"{draft.names[key][:1].upper()}{draft.names[key][1:]} shall honour the "
                    f"commitment of {name}, {draft.timing(condition)}."
                )
                continue
            verifiability = _number(condition.get("verifiability"))
            if verifiability is None:
                verifiability = draft.facts.verifiability.get(slug, 0.5)
            paragraphs += self.render(
                clause,
                {
                    "recipient": draft.names[key],
                    "commitment": name,
                    "timing": draft.timing(condition),
                    "quantity": quantity_words(condition.get("amount"), condition.get("unit")),
                    "duration": duration_words(condition.get("duration_months")),
                    "reversible": condition.get("reversible") is True,
                    "verification": VERIFICATION.word(verifiability),
                },
            )
        return paragraphs

    def phases_article(self) -> list[str]:
        draft = self.draft
        staged = draft.staged()
        structure = "single" if len(draft.phases) < 2 else "staged" if staged else "sequenced"
        phases = [
            {
                "name": str(p.get("name") or "").strip(),
                "ordinal": ORDINALS[i] if i < len(ORDINALS) else "next",
                "duration": duration_words(p.get("duration_months")),
                "reversible": p.get("reversible", True) is not False,
                "description": " ".join(str(p.get("description") or "").split()),
            }
            for i, p in enumerate(draft.phases)
        ]
        paragraphs = []
        clause = self.template(ClauseKind.PHASE_STRUCTURE, structure)
        if clause is not None:
            paragraphs += self.render(clause, {"phases": phases, "staged": _join(staged)})
        reciprocity = self.template(ClauseKind.MECHANISM_TYPE, "phased_reversible")
        if staged and reciprocity is not None:
            paragraphs += self.render(reciprocity, {"staged": _join(staged)})
        return paragraphs + self.standard(Part.PHASES)


def treaty_assemble(
    document: Mapping[str, Any],
    facts: TreatyFacts,
    templates: Mapping[tuple[str, str], Clause],
    *,
    revision: int | None = None,
) -> Treaty:
    """The treaty text of ``document`` (pure; same input, same text)."""
    document = document if isinstance(document, Mapping) else {}
    draft = _Draft(document, facts)
    plan = _article_plan(draft)
    numbers = {key: str(n) for n, (key, _) in enumerate(plan, start=1) if ":" not in key}
    first_recipient = next((n for n, (k, _) in enumerate(plan, start=1) if ":" in k), None)
    numbers[Part.RECIPIENT.value] = str(first_recipient or "")
    for article in Part.values:
        numbers.setdefault(article, "")
    assembly = _Assembly(draft, templates, numbers)
    bodies: dict[str, list[str]] = {}
    for key, _ in plan:  # definitions last: the other articles add to them
        if key == Part.DEFINITIONS:
            continue
        if key == Part.PROVIDER:
            body = assembly.provider_article()
        elif key.startswith(f"{Part.RECIPIENT.value}:"):
            body = assembly.recipient_article(key.split(":", 1)[1])
        elif key == Part.PHASES:
            body = assembly.phases_article()
        else:
            body = assembly.standard(key)
        if key in (Part.VERIFICATION, Part.ENTRY_INTO_FORCE, Part.BREACH):
            body += assembly.mechanism_clauses(key)
        bodies[key] = body
    definitions = assembly.standard(Part.DEFINITIONS)
    definitions += sorted(assembly.definitions, key=lambda text: text.lstrip('"“').lower())
    bodies[Part.DEFINITIONS.value] = definitions
    articles = tuple(
        Article(number, key, title, tuple(bodies[key]))
        for number, (key, title) in enumerate(plan, start=1)
    )
    title = str(document.get("title") or "").strip() or "Draft agreement"
    parties = (draft.provider, *(draft.names[k] for k in draft.recipients))
    return Treaty(title=title, parties=parties, articles=articles, revision=revision)


def treaty_for_document(document: Mapping[str, Any], *, revision: int | None = None) -> Treaty:
    """The treaty text of a stored document, with the catalog and curated templates
    (five queries)."""
    return treaty_assemble(
        document, TreatyFacts.from_db(document), clause_templates(), revision=revision
    )
