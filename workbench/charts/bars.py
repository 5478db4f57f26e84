"""Bar list: contributions to one score, largest first."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.safestring import SafeString

from workbench.charts.svg import (
    ACCENT,
    BAD,
    INK_SOFT,
    WARN,
    _arrow_d,
    _clean,
    _clip,
    _el,
    _n,
    _no_data,
    _num,
    _sentence,
    _signed,
    _svg,
    _text,
    _title,
)


def _fold(
    items: Sequence[tuple[str, float]], limit: int = 12
) -> tuple[list[tuple[str, float]], int]:
    """Keep the ``limit - 1`` largest by magnitude (input order) and sum the rest."""
    if len(items) <= limit:
        return list(items), 0
    ranked = sorted(range(len(items)), key=lambda k: (-abs(items[k][1]), k))
    keep = set(ranked[: limit - 1])
    kept = [items[k] for k in range(len(items)) if k in keep]
    rest = [items[k][1] for k in range(len(items)) if k not in keep]
    return [*kept, (f"Other ({len(rest)})", math.fsum(rest))], len(rest)


def bar_list(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    max_abs: float | None = None,
) -> SafeString:
    """Horizontal bars for signed contributions ``(label, amount)``.

    Negative amounts extend left of the zero line in a different colour. At most 12 bars:
    with more items the 11 largest by ``|amount|`` are kept (in input order) and the rest
    are summed into "Other (n)". ``max_abs`` fixes the scale (larger bars are clipped and
    noted); by default the largest magnitude shown. Empty input gives a "No data yet" SVG.
    """
    title = _title(title, "Bar chart")
    if not items:
        return _no_data("bars", title)
    cleaned: list[tuple[str, float]] = []
    for k, (label, amount) in enumerate(items):
        name = _clean(label) or f"Item {k + 1}"
        value = _num(amount, f"amount of {name}")
        if value is None or not math.isfinite(value):
            raise ValueError(f"amount of {name} must be a finite number, got {amount!r}")
        cleaned.append((name, value))
    shown, folded = _fold(cleaned)
    if max_abs is None:
        scale = max((abs(v) for _, v in shown), default=0.0) or 1.0
    else:
        scale = float(max_abs)
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"max_abs must be a positive finite number, got {max_abs!r}")

    width, left, right, top, row_h = 640, 208.0, 560.0, 8.0, 24.0
    height = top * 2 + row_h * len(shown)
    has_neg = any(v < 0 for _, v in shown)
    has_pos = any(v > 0 for _, v in shown) or not has_neg
    neg_span, pos_span = (scale if has_neg else 0.0), (scale if has_pos else 0.0)
    zero_x = left + (right - left) * neg_span / (neg_span + pos_span)
    unit = (right - left) / (neg_span + pos_span)

    body: list[str] = []
    summaries: list[str] = []
    clipped_notes: list[str] = []
    for k, (name, value) in enumerate(shown):
        yc = top + row_h * k + row_h / 2
        clipped_v, clipped = _clip(value, -scale, scale)
        if clipped:
            clipped_notes.append(f"{name} {_signed(value)}")
        length = abs(clipped_v) * unit
        negative = value < 0
        is_other = folded and k == len(shown) - 1
        cls = "chart-bar " + ("chart-bar-neg" if negative else "chart-bar-pos")
        if is_other:
            cls += " chart-bar-other"
        summary = f"{name} {_signed(value)}"
        summaries.append(summary)
        parts: list[str] = [
            _text(left - 8, yc + 4, name, limit=30, cls="chart-row-label", anchor="end"),
            _el(
                "rect",
                {
                    "class": cls,
                    "x": zero_x - length if negative else zero_x,
                    "y": yc - 7,
                    "width": length,
                    "height": 14,
                    "fill": BAD if negative else ACCENT,
                },
                _el("title", None, summary),
            ),
            _text(
                width - 8,
                yc + 4,
                _signed(value),
                cls="chart-value chart-muted",
                anchor="end",
                fill=INK_SOFT,
                extra={"font-variant-numeric": "tabular-nums"},
            ),
        ]
        if clipped:
            ex, sign = (zero_x - length, -1) if negative else (zero_x + length, 1)
            d = _arrow_d(ex, yc, sign, 2, 6)
            parts.append(_el("path", {"class": "chart-clip", "d": d, "fill": WARN}))
        body.append(_el("g", {"class": "chart-row"}, *parts))
    body.append(
        _el(
            "line",
            {
                "class": "chart-zero",
                "x1": zero_x,
                "y1": top - 4,
                "x2": zero_x,
                "y2": height - top + 4,
                "stroke": INK_SOFT,
                "stroke-width": 1.5,
            },
        )
    )

    total = math.fsum(v for _, v in cleaned)
    desc = _sentence(
        [
            f"Bar chart of {len(cleaned)} contribution{'s' if len(cleaned) != 1 else ''}; "
            "negative amounts extend left of the zero line.",
            (
                f"The {folded} smallest by size are combined into Other ({folded})."
                if folded
                else ""
            ),
            "; ".join(summaries) + ".",
            f"Net total {_signed(total)}.",
            (
                f"Bars beyond {_n(scale)} in size were clipped: " + "; ".join(clipped_notes) + "."
                if clipped_notes
                else ""
            ),
        ]
    )
    return _svg("bars", title, desc, width, height, body)
