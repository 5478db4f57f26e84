"""Values of a draft in words, for pages, messages, diffs and briefings.

One place for every "in words" helper, so a setting reads the same wherever it shows:
``choice_words("fine_tuned")`` is "Fine tuned", ``value_words(0.4)`` is "0.40",
``levers_summary(...)`` is "API access · narrow model · 1 generation behind".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LEVER_LABELS: dict[str, str] = {
    "scope": "Scope",
    "generation_lag": "Generations behind",
    "output_controls": "Output controls",
    "monitoring": "Monitoring",
    "access_mode": "Access mode",
    "throttling": "Throttling",
    "disclosure": "Disclosure of model information",
}
"""Frontier-AI levers in the order forms show them, with their labels."""

ACCESS_MODE_WORDS: dict[str, str] = {
    "api": "API access",
    "weights": "weights shared",
    "compute_inference": "inference compute",
    "compute_training_governed": "governed training compute",
}


def choice_words(value: str) -> str:
    """A choice value as a label: "fine_tuned" -> "Fine tuned", "api" -> "API"."""
    return "API" if value == "api" else value.replace("_", " ").capitalize()


def slug_words(slug: Any) -> str:
    """A readable stand-in for a slug without a display name ("jp" -> "JP")."""
    text = " ".join(str(slug or "").replace("-", " ").replace("_", " ").split())
    if not text:
        return "Unnamed"
    if len(text) <= 3 and text.isalpha():
        return text.upper()
    return text[:1].upper() + text[1:]


def value_words(value: Any) -> str:
    """A field value in words: numbers to two decimals, mappings as "name value" pairs."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, Mapping):  # settings such as levers: names and choices in words
        pairs = (
            f"{str(k).replace('_', ' ')} {value_words(v).replace('_', ' ')}"
            for k, v in value.items()
        )
        return ", ".join(pairs) or "—"
    return str(value)


def levers_summary(levers: Mapping[str, Any] | None) -> str:
    """Lever settings in a few words, naming only what differs from unrestricted access."""
    if levers is None:
        return ""
    parts = [ACCESS_MODE_WORDS.get(str(levers.get("access_mode", "api")), "API access")]
    if levers.get("scope") == "narrow":
        parts.append("narrow model")
    if lag := levers.get("generation_lag"):
        parts.append(f"{lag} generation{'s' if lag > 1 else ''} behind")
    for name, label in (
        ("monitoring", "monitoring"),
        ("output_controls", "output controls"),
        ("throttling", "throttling"),
        ("disclosure", "disclosure"),
    ):
        value = levers.get(name, "none")
        if value != "none":
            parts.append(
                f"{value.replace('_', ' ')} {label}"
                if name != "output_controls"
                else f"{value.replace('_', ' ')} outputs"
            )
    return " · ".join(parts)
