"""Dot plot: one row per criterion, each on its own fixed scale, better always to the right."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString

from workbench.charts.svg import (
    INK_SOFT,
    LINE,
    MARKERS,
    PALETTE,
    PAPER,
    _check_domain,
    _check_series_count,
    _clean,
    _el,
    _marker_d,
    _n,
    _no_data,
    _num,
    _sentence,
    _svg,
    _text,
    _title,
)


def dot_plot(
    criteria: Sequence[Mapping[str, Any]],
    series: Sequence[str],
    *,
    title: str,
) -> SafeString:
    """Each criterion ``{"key", "label", "domain", "better", "values", "format"}`` as a row.

    ``domain`` is the criterion's own fixed scale (no value is clipped to another's rim);
    ``better`` is ``"up"`` or ``"down"``: a cost criterion's axis runs from its high end on
    the left to its low end on the right, and its label says so. ``values`` has one number
    (or None) per series, in the order of ``series``. Markers carry ``data-x`` (their
    position) for tests and tools. Empty input gives a "No data yet" SVG.
    """
    title = _title(title, "Dot plot")
    if not criteria or not series:
        return _no_data("dots", title)
    _check_series_count(len(series), "dot_plot")
    width, x0, x1, top, row_h = 680, 230.0, 650.0, 14.0, 58.0
    legend_y = top + row_h * len(criteria) + 18
    height = legend_y + 20 * ((len(series) + 2) // 3) + 6
    body: list[str] = []
    words: list[str] = []
    for row_index, criterion in enumerate(criteria):
        key = str(criterion["key"])
        label = _clean(criterion["label"])
        lo, hi = _check_domain(tuple(criterion["domain"]))
        reversed_axis = criterion.get("better") == "down"
        shown = criterion.get("format") or "{:.2f}"
        yc = top + row_h * row_index + 22

        def sx(v: float, lo: float = lo, hi: float = hi, rev: bool = reversed_axis) -> float:
            share = (min(max(v, lo), hi) - lo) / (hi - lo)
            return x1 - share * (x1 - x0) if rev else x0 + share * (x1 - x0)

        note = "lower is better, axis reversed" if reversed_axis else "higher is better"
        parts: list[str] = [
            _text(x0 - 14, yc + 2, label, limit=30, cls="chart-row-label", anchor="end"),
            _text(x0 - 14, yc + 16, note, cls="chart-muted", anchor="end", fill=INK_SOFT),
            _el(
                "line",
                {"class": "chart-axis", "x1": x0, "y1": yc, "x2": x1, "y2": yc, "stroke": LINE},
            ),
        ]
        for end in (lo, hi):
            parts.append(
                _text(
                    sx(end),
                    yc + 22,
                    shown.format(end),
                    cls="chart-muted chart-tick",
                    anchor="middle",
                    fill=INK_SOFT,
                )
            )
        described: list[str] = []
        for i, name in enumerate(series):
            value = _num(criterion["values"][i], f"{label} {name}")
            if value is None:
                described.append(f"{_clean(name)} no score")
                continue
            x = sx(value)
            y = yc - 8 + (i % 3) * 8 - 8  # a little apart, so equal values stay visible
            parts.append(
                _el(
                    "path",
                    {
                        "class": f"chart-marker chart-s{i}",
                        "d": _marker_d(MARKERS[i], x, y, 5.0),
                        "fill": PALETTE[i],
                        "stroke": PAPER,
                        "stroke-width": 1,
                        "data-series": name,
                        "data-criterion": key,
                        "data-x": _n(x),
                    },
                    _el("title", None, f"{name}: {label} {shown.format(value)}"),
                )
            )
            described.append(f"{_clean(name)} {shown.format(value)}")
        scale = f"scale {shown.format(lo)} to {shown.format(hi)}"
        words.append(f"{label} ({note}; {scale}): " + ", ".join(described) + ".")
        body.append(_el("g", {"class": "chart-row", "data-criterion": key}, *parts))
    legend: list[str] = []
    for i, name in enumerate(series):
        lx, ly = 20.0 + (i % 3) * 220, legend_y + 20 * (i // 3)
        legend.append(
            _el(
                "g",
                {"class": f"chart-legend-item chart-s{i}"},
                _el(
                    "path",
                    {"d": _marker_d(MARKERS[i], lx + 6, ly - 4, 5.0), "fill": PALETTE[i]},
                ),
                _text(lx + 18, ly, _clean(name), limit=28, cls="chart-legend-label"),
            )
        )
    body.append(_el("g", {"class": "chart-legend"}, *legend))
    desc = _sentence(
        [
            f"Dot plot of {len(series)} drafts on {len(criteria)} criteria, each on its own "
            "scale with the better end on the right.",
            *words,
        ]
    )
    return _svg("dots", title, desc, width, height, body)
