"""The documented bands that turn numbers into words (docs/methodology.md, "Words for
numbers").

The treaty text never shows a model number: a line's magnitude, a mechanism's strength
and a commitment's verifiability become the words below. The decision memo states its
numbers, and says beside each what band it falls in. A band applies from its lower
bound (inclusive) up to the next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bands:
    """Words for a number: ``(lower bound, word)`` pairs from the highest bound down."""

    name: str
    bands: Sequence[tuple[float, str]]

    def word(self, value: float) -> str:
        for low, word in self.bands:
            if value >= low:
                return word
        return self.bands[-1][1]


EXTENT = Bands(
    "extent of a benefit (line magnitude)",
    (
        (0.95, "in full"),
        (0.65, "in substantial part"),
        (0.35, "in part"),
        (0.15, "in limited part"),
        (0.0, "on a token scale"),
    ),
)
STRENGTH = Bands(
    "strength of a credibility mechanism",
    ((0.8, "robust"), (0.55, "substantial"), (0.3, "moderate"), (0.0, "limited")),
)
VERIFICATION = Bands(
    "verification a commitment needs (from its verifiability)",
    (
        (0.7, "routine verification"),
        (0.4, "regular verification, including inspection on request"),
        (0.0, "intensive verification, including on-site inspection at short notice"),
    ),
)
CREDIBILITY = Bands(
    "credibility (0 to 100)",
    ((80.0, "high"), (60.0, "moderate"), (40.0, "low"), (0.0, "very low")),
)
VIABILITY = Bands(
    "viability (share of samples in which the deal enters into force)",
    (
        (0.9, "very likely to enter into force"),
        (0.6, "likely to enter into force"),
        (0.4, "as likely as not to enter into force"),
        (0.1, "unlikely to enter into force"),
        (0.0, "very unlikely to enter into force"),
    ),
)
RISK = Bands(
    "a risk (0 to 1)",
    ((0.6, "high"), (0.35, "elevated"), (0.15, "moderate"), (0.0, "low")),
)
SPREAD = Bands(
    "uncertainty: width of the 90% interval, as a share of the scale",
    ((0.3, "very uncertain"), (0.15, "uncertain"), (0.05, "fairly certain"), (0.0, "certain")),
)
ALL_BANDS: tuple[Bands, ...] = (
    EXTENT,
    STRENGTH,
    VERIFICATION,
    CREDIBILITY,
    VIABILITY,
    RISK,
    SPREAD,
)
