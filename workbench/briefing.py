"""Plain-language agreement text for the printable briefing page.

:func:`agreement_articles` turns an agreement document (the format of
:mod:`agreements.document`) into numbered articles written in neutral, treaty-like
prose: the parties and purpose, one article of benefits and commitments per
recipient, the credibility mechanisms, the phases and entry into force, and a
standard review and withdrawal clause. :func:`articles_text` renders them as plain
text for export.

The module is pure: it reads only the document and a mapping of catalog slugs to
display names (see ``agreements.diff.catalog_names``), tolerates missing or ``None``
fields, and gives the same text for the same input every time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agreements.wording import slug_words

__all__ = ["Article", "access_terms", "agreement_articles", "articles_text"]


@dataclass(frozen=True)
class Article:
    """One numbered article of the generated agreement text."""

    number: int
    title: str
    paragraphs: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"Article {self.number}. {self.title}"

    def to_text(self) -> str:
        """The article as plain text: its heading, then its paragraphs, blank-line separated."""
        return "\n\n".join((self.heading, *self.paragraphs))


def articles_text(articles: Iterable[Article]) -> str:
    """All articles as one plain-text block (ends with a newline; empty for no articles)."""
    blocks = [article.to_text() for article in articles]
    return "\n\n\n".join(blocks) + "\n" if blocks else ""


# -- wording tables -------------------------------------------------------------------

PURPOSES = {
    "coalition": (
        "to build a coalition on safe AI development: its members take on shared safety "
        "commitments, and the benefits set out below compensate them for that burden"
    ),
    "secure_lead": (
        "to secure a lead that leaves room for safety work: by sharing benefits, {provider} "
        "seeks to ease the pressure of a close race so that frontier development can slow "
        "down where safety requires it"
    ),
    "welfare": (
        "to improve welfare by sharing the gains of advanced AI widely, beyond the borders "
        "of {provider}"
    ),
    "other": "to share benefits of advanced AI in return for the commitments set out below",
}

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
COVERS = {
    "provider": "covering the promises of {provider}",
    "recipients": "covering the recipients' promises",
    "both": "covering both sides' promises",
}

NUMBER_WORDS = (
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
)
DEFINITE_FIRST_WORDS = frozenset({"United", "Netherlands", "Philippines", "Bahamas", "Gambia"})
DEFINITE_LAST_WORDS = frozenset(
    {"Union", "Emirates", "Islands", "Republic", "Federation", "Kingdom", "States"}
)
"""Names read with "the" in running text ("the United States", "the European Union")."""

REVERSIBLE_STEP = (
    "as a reversible step that can be undone if the agreement breaks down "
    "(halting, but not dismantling, what it covers)"
)


# -- small helpers --------------------------------------------------------------------


def _name(names: Mapping[str, str], slug: Any) -> str:
    name = names.get(slug) if isinstance(slug, str) else None
    return name.strip() if isinstance(name, str) and name.strip() else slug_words(slug)


def _in_sentence(name: str) -> str:
    """A catalog name as it reads inside a sentence ("Peer evaluation" -> "peer evaluation")."""
    if len(name) > 1 and name[1].isupper():  # an acronym such as "AI ..."
        return name
    return name[:1].lower() + name[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _with_article(name: str) -> str:
    """A party name as it reads in running text ("United Kingdom" -> "the United Kingdom")."""
    words = name.split()
    if not words or words[0].lower() == "the":
        return name
    if words[0] in DEFINITE_FIRST_WORDS or words[-1] in DEFINITE_LAST_WORDS:
        return f"the {name}"
    return name


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _count(number: int) -> str:
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _fmt(value: float) -> str:
    return f"{round(value, 2):g}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else f"{text}."


def _letter(index: int) -> str:
    """List labels a, b, ..., z, aa, ab, ..."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def _enumerate(items: Sequence[str]) -> list[str]:
    """Items as a lettered treaty list: "(a) ...;", ..., "(y) ...; and", "(z) ..."."""
    out = []
    for index, item in enumerate(items):
        if index == len(items) - 1:
            end = "."
        elif index == len(items) - 2:
            end = "; and"
        else:
            end = ";"
        out.append(f"({_letter(index)}) {item}{end}")
    return out


def _rows(document: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    rows = document.get(section)
    if not isinstance(rows, list):
        return []
    return [row for row in rows if isinstance(row, Mapping)]


def _magnitude(value: Any) -> str:
    """How much of a benefit is shared, in words ("to a moderate extent (0.5)")."""
    number = _number(value)
    if number is None:
        return "to an extent not yet set"
    if number >= 0.95:
        word = "the full"
    elif number >= 0.65:
        word = "a substantial"
    elif number >= 0.35:
        word = "a moderate"
    elif number >= 0.15:
        word = "a limited"
    else:
        word = "a minimal"
    return f"to {word} extent ({_fmt(number)})"


def _strength(value: Any) -> str:
    number = _number(value)
    if number is None:
        return ""
    if number >= 0.9:
        word = "very strong"
    elif number >= 0.65:
        word = "strong"
    elif number >= 0.35:
        word = "moderate"
    else:
        word = "weak"
    return f"{word} ({_fmt(number)})"


def _indefinite(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _is_plural(name: str) -> bool:
    """Whether a name's head noun is plural ("pre-specified consequences", not "track record
    of honouring commitments")."""
    head = name.lower()
    for joint in (" of ", " for ", " with ", " on ", " to "):
        head = head.split(joint)[0]
    words = head.split()
    return bool(words) and words[-1].endswith("s") and not words[-1].endswith(("ss", "us", "is"))


def access_terms(levers: Any) -> str:
    """The frontier-AI access levers of a line in plain words ("" when nothing to say)."""
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
        parts.append(f"{_count(lag)} {generations} behind the frontier")
    if setting("throttling") in THROTTLING:
        parts.append(THROTTLING[setting("throttling")])
    if mode == "weights":  # last, so its "which ..." clause closes the list
        parts.append(ACCESS_MODES[mode])
    terms = ", ".join(parts)
    disclosure = DISCLOSURE.get(setting("disclosure"))
    if disclosure:
        terms = f"{terms}; {disclosure}" if terms else disclosure
    return terms


# -- the articles ---------------------------------------------------------------------


class _Draft:
    """The document read defensively, with display names resolved once."""

    def __init__(self, document: Mapping[str, Any], names: Mapping[str, str]) -> None:
        self.document = document
        self.names = names
        self.parties = [p for p in _rows(document, "parties") if p.get("key") or p.get("actor")]
        self.party_names = {_party_key(p): self._party_name(p) for p in self.parties}
        providers = [p for p in self.parties if p.get("role") == "provider"]
        self.provider = self.party_names[_party_key(providers[0])] if providers else None
        indexed = list(enumerate(_rows(document, "phases")))
        indexed.sort(key=lambda pair: (_order(pair[1].get("order"), pair[0]), pair[0]))
        self.phases = [phase for _, phase in indexed]
        self.phase_rank = {
            str(phase.get("key")): rank for rank, phase in enumerate(self.phases, start=1)
        }
        scenario = document.get("scenario")
        self.scenario: Mapping[str, Any] = scenario if isinstance(scenario, Mapping) else {}

    def _party_name(self, party: Mapping[str, Any]) -> str:
        name = party.get("name")
        if not (isinstance(name, str) and name.strip()):
            actor = party.get("actor")
            name = self.names.get(actor) if isinstance(actor, str) else None
        if not (isinstance(name, str) and name.strip()):
            name = slug_words(_party_key(party))
        return _with_article(name.strip())

    def role(self, role: str) -> list[str]:
        return [self.party_names[_party_key(p)] for p in self.parties if p.get("role") == role]

    @property
    def provider_text(self) -> str:
        return self.provider or "the provider"

    def rank(self, key: Any) -> int | None:
        """The position of a phase (1, 2, ...), or ``None`` for no or an unknown phase."""
        return self.phase_rank.get(str(key)) if key is not None else None

    def phase_label(self, key: Any) -> str:
        rank = self.rank(key)
        if rank is None:
            return ""
        name = str(self.phases[rank - 1].get("name") or "").strip()
        return f"Phase {rank} ({name})" if name else f"Phase {rank}"

    def timing(self, key: Any) -> str:
        """When a line or condition applies, as a phrase starting with a space."""
        label = self.phase_label(key)
        if label:
            return f" in {label}"
        return " from entry into force" if self.phases else ""

    def by_phase(self, rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return sorted(rows, key=lambda row: self.rank(row.get("phase")) or 0)


def _party_key(party: Mapping[str, Any]) -> str:
    return str(party.get("key") or party.get("actor"))


def _order(value: Any, index: int) -> float:
    number = _number(value)
    return number if number is not None else float(index + 1)


def agreement_articles(document: Mapping[str, Any], names: Mapping[str, str]) -> list[Article]:
    """The agreement as numbered articles of plain-language text.

    Articles that would be empty are left out and the rest numbered consecutively.
    A document without parties gives a single article saying so.
    """
    document = document if isinstance(document, Mapping) else {}
    draft = _Draft(document, names if isinstance(names, Mapping) else {})
    if not draft.parties:
        return [
            Article(
                1,
                "Parties",
                (
                    "This draft does not name any parties yet. Add a provider and at least "
                    "one recipient to generate the text of the agreement.",
                ),
            )
        ]
    sections: list[tuple[str, list[str]]] = [("Parties and purpose", _parties_article(draft))]
    recipients = dict.fromkeys(_party_key(p) for p in draft.parties if p.get("role") == "recipient")
    for key in recipients:
        title = f"Benefits to {draft.party_names[key]}"
        sections.append((title, _recipient_article(draft, key)))
    sections.append(("Credibility mechanisms", _mechanisms_article(draft)))
    sections.append(("Phases and entry into force", _phases_article(draft)))
    sections.append(("Review and withdrawal", _review_article(draft)))
    articles: list[Article] = []
    for title, paragraphs in sections:
        if paragraphs:
            articles.append(Article(len(articles) + 1, title, tuple(paragraphs)))
    return articles


def _parties_article(draft: _Draft) -> list[str]:
    title = str(draft.document.get("title") or "").strip()
    subject = f'The agreement "{title}"' if title else "This agreement"
    recipients = draft.role("recipient")
    listed = f"the following {'recipient' if len(recipients) == 1 else 'recipients'}: "
    if draft.provider and recipients:
        opening = (
            f"{subject} is concluded between {draft.provider}, as the provider of the "
            f"benefits it sets out, and {listed}{_join(recipients)}."
        )
    elif draft.provider:
        opening = (
            f"{subject} is offered by {draft.provider}, as the provider of the benefits it "
            "sets out; no recipient has joined it yet."
        )
    elif recipients:
        opening = f"{subject} names {listed}{_join(recipients)}; no provider has been named yet."
    else:
        opening = f"{subject} does not yet name a provider or any recipient."
    paragraphs = [opening]
    excluded = draft.role("excluded")
    if len(excluded) == 1:
        paragraphs.append(
            f"{_cap(excluded[0])} is excluded from this agreement: it is not a party and "
            "receives no benefits under it."
        )
    elif excluded:
        paragraphs.append(
            f"{_cap(_join(excluded))} are excluded from this agreement: they are not parties "
            "and receive no benefits under it."
        )
    observers = draft.role("observer")
    if len(observers) == 1:
        paragraphs.append(
            f"{_cap(observers[0])} takes part as an observer: it follows the agreement but "
            "neither receives benefits nor takes on commitments under it."
        )
    elif observers:
        paragraphs.append(
            f"{_cap(_join(observers))} take part as observers: they follow the agreement but "
            "neither receive benefits nor take on commitments under it."
        )
    purpose = draft.document.get("purpose")
    phrase = PURPOSES.get(purpose if isinstance(purpose, str) else "other", PURPOSES["other"])
    paragraphs.append(
        f"The purpose of this agreement is {phrase.format(provider=draft.provider_text)}."
    )
    return paragraphs


def _recipient_article(draft: _Draft, key: str) -> list[str]:
    recipient = draft.party_names[key]
    lines = draft.by_phase([r for r in _rows(draft.document, "lines") if r.get("recipient") == key])
    conditions = draft.by_phase(
        [r for r in _rows(draft.document, "conditions") if r.get("recipient") == key]
    )
    paragraphs = []
    for line in lines:
        sentence = (
            f"{_cap(_name(draft.names, line.get('item')))}: {draft.provider_text} shall provide "
            f"this benefit to {recipient} {_magnitude(line.get('magnitude'))}"
            f"{draft.timing(line.get('phase'))}."
        )
        terms = access_terms(line.get("levers"))
        if terms:
            sentence += f" Access terms: {terms}."
        paragraphs.append(sentence)
    if not conditions:
        return paragraphs
    if paragraphs:
        paragraphs.append(f"In return, {recipient} undertakes to honour the following commitments:")
    else:
        paragraphs.append(f"No benefits to {recipient} are set out yet.")
        paragraphs.append(f"{_cap(recipient)} undertakes to honour the following commitments:")
    items = []
    for condition in conditions:
        text = _in_sentence(_name(draft.names, condition.get("commitment")))
        text += draft.timing(condition.get("phase"))
        assessed = []
        burden = _number(condition.get("burden"))
        if burden is not None:
            assessed.append(f"burden of {_fmt(burden)}")
        verifiability = _number(condition.get("verifiability"))
        if verifiability is not None:
            assessed.append(f"verifiability of {_fmt(verifiability)}")
        if assessed:
            text += f", with an assessed {_join(assessed)}"
        if condition.get("reversible") is True:
            text += f", {REVERSIBLE_STEP}"
        items.append(text)
    paragraphs.extend(_enumerate(items))
    return paragraphs


def _staged_recipients(draft: _Draft) -> list[str]:
    """Recipients with a reversible commitment in a later phase than a benefit they
    receive: the staged reciprocity of the scoring model (methodology, section 4)."""
    staged = []
    for party in draft.parties:
        if party.get("role") != "recipient":
            continue
        key = _party_key(party)
        first = [
            draft.rank(line.get("phase")) or 1
            for line in _rows(draft.document, "lines")
            if line.get("recipient") == key
        ]
        later = [
            draft.rank(condition.get("phase")) or 1
            for condition in _rows(draft.document, "conditions")
            if condition.get("recipient") == key and condition.get("reversible") is True
        ]
        if first and later and max(later) > min(first):
            staged.append(draft.party_names[key])
    return staged


def _mechanisms_article(draft: _Draft) -> list[str]:
    items = []
    for mechanism in _rows(draft.document, "mechanisms"):
        name = _in_sentence(_name(draft.names, mechanism.get("type")))
        strength = _strength(mechanism.get("strength"))
        if strength:
            text = f"{strength} {name}" if _is_plural(name) else f"a {strength} {name}"
        else:
            text = name if _is_plural(name) else f"{_indefinite(name)} {name}"
        covers = mechanism.get("covers")
        template = COVERS.get(covers if isinstance(covers, str) else "both", COVERS["both"])
        text = f"{text}, {template.format(provider=draft.provider_text)}"
        if (rank := draft.rank(mechanism.get("phase"))) is not None and rank > 1:
            text += f", in force from {draft.phase_label(mechanism.get('phase'))}"
        items.append(text)
    paragraphs = []
    if items:
        paragraphs.append(
            "To make the parties' promises credible, the agreement relies on the following "
            "mechanisms:"
        )
        paragraphs.extend(_enumerate(items))
    count = len(draft.phases)
    if count >= 2:
        staged = _staged_recipients(draft)
        if staged:
            they = "they" if len(staged) > 1 else "it"
            paragraphs.append(
                f"The agreement is carried out in {_count(count)} phases. {_join(staged)} "
                f"{'take' if len(staged) > 1 else 'takes'} on commitments that {they} can "
                f"reverse only after receiving {'their' if len(staged) > 1 else 'its'} first "
                f"benefits, so {they} can step back if the provider breaks its promises. This "
                "staged reciprocity is itself a credibility mechanism."
            )
        else:
            paragraphs.append(
                f"The agreement is carried out in {_count(count)} phases, but no recipient's "
                "reversible commitment comes after the benefits it receives, so the phasing "
                "adds no credibility of its own: the provider's promises rest on the "
                "mechanisms and on trust."
            )
    return paragraphs


def _phases_article(draft: _Draft) -> list[str]:
    paragraphs = []
    if draft.phases:
        count = len(draft.phases)
        paragraphs.append(
            f"The agreement is implemented in {_count(count)} "
            f"{'phase' if count == 1 else 'phases'}, in the order below."
        )
        for phase in draft.phases:
            label = draft.phase_label(phase.get("key"))
            if phase.get("reversible", True) is False:
                text = f"{label} is irreversible: the steps taken in it are meant to last."
            else:
                text = (
                    f"{label} is reversible: its steps can be undone if the agreement breaks down."
                )
            description = _sentence(str(phase.get("description") or ""))
            paragraphs.append(f"{text} {description}" if description else text)
    participation = draft.scenario.get("min_participation")
    if isinstance(participation, int) and not isinstance(participation, bool) and participation:
        noun = "recipient has" if participation == 1 else "recipients have"
        paragraphs.append(
            f"The agreement enters into force once at least {_count(participation)} {noun} "
            "joined it."
        )
    dsa = _number(draft.scenario.get("dsa"))
    if dsa is not None:
        if dsa >= 0.67:
            likelihood = "likely"
        elif dsa >= 0.34:
            likelihood = "possible"
        else:
            likelihood = "unlikely"
        paragraphs.append(
            "The agreement is drafted for a world in which a decisive strategic advantage of "
            f"{draft.provider_text} is {likelihood} (assessed at {_fmt(dsa)} on a scale from "
            "0 to 1)."
        )
    return paragraphs


def _review_article(draft: _Draft) -> list[str]:
    review = "at least once a year"
    if len(draft.phases) >= 2:
        review += " and before each new phase begins"
    paragraphs = [
        f"The parties shall review how this agreement works {review}, and may amend it by "
        "consensus.",
        "Any party may withdraw by written notice to the other parties; the withdrawal takes "
        "effect at the end of the notice period the parties agree. A recipient that withdraws "
        "gives up the benefits not yet delivered to it. If the provider withdraws or fails to "
        "deliver, each recipient is released from the commitments it took on in return for the "
        "benefits withheld.",
    ]
    weights = any(
        isinstance(line.get("levers"), Mapping) and line["levers"].get("access_mode") == "weights"
        for line in _rows(draft.document, "lines")
    )
    if weights:
        paragraphs.append(
            "Model weights already shared cannot be recalled; they remain with the recipient "
            "after any withdrawal."
        )
    return paragraphs
