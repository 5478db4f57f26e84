"""Radar chart: one polygon per draft over up to eight criteria."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString

from workbench.charts.svg import (
    INK_SOFT,
    LINE,
    PALETTE,
    PAPER,
    _check_series_count,
    _clean,
    _clip,
    _el,
    _legend_entry,
    _marker,
    _n,
    _no_data,
    _num,
    _points,
    _sentence,
    _series_stroke,
    _svg,
    _text,
    _title,
)


def radar_chart(
    series: Sequence[Mapping[str, Any]],
    axes: Sequence[tuple[str, str]],
    *,
    title: str,
) -> SafeString:
    """A radar (spider) chart of 1-6 series over 3-8 axes scored from 0 to 1.

    ``series`` items look like ``{"label": "Draft A", "values": {axis_key: float | None}}``.
    A missing/None value is drawn at 0 with a hollow marker and noted in the ``<desc>``;
    values outside 0-1 are clipped and noted. Empty input gives a "No data yet" SVG.
    """
    title = _title(title, "Radar chart")
    if not series or not axes:
        return _no_data("radar", title)
    if not 3 <= len(axes) <= 8:
        raise ValueError(f"radar_chart needs 3 to 8 axes, got {len(axes)}")
    _check_series_count(len(series), "radar_chart")

    width, cx, cy, radius = 560, 280.0, 175.0, 130.0
    legend_top = 352.0
    height = legend_top + 20 * len(series) + 4
    m = len(axes)
    keys = [str(key) for key, _ in axes]
    labels = [
        _clean(label) or _clean(key) or f"Axis {k + 1}" for k, (key, label) in enumerate(axes)
    ]
    angles = [-math.pi / 2 + 2 * math.pi * k / m for k in range(m)]

    def at(k: int, r: float) -> tuple[float, float]:
        return cx + r * radius * math.cos(angles[k]), cy + r * radius * math.sin(angles[k])

    body: list[str] = []
    grid: list[str] = []
    for level in (0.25, 0.5, 0.75, 1.0):
        ring = [at(k, level) for k in range(m)]
        d = "M" + "L".join(f"{_n(x)},{_n(y)}" for x, y in ring) + "Z"
        grid.append(_el("path", {"class": "chart-grid", "d": d, "fill": "none", "stroke": LINE}))
    for k in range(m):
        x, y = at(k, 1.0)
        grid.append(
            _el(
                "line",
                {"class": "chart-grid", "x1": cx, "y1": cy, "x2": x, "y2": y, "stroke": LINE},
            )
        )
    ring_labels: list[str] = []  # drawn over the series, with a halo
    for level in (0.25, 0.5, 0.75, 1.0):
        ring_labels.append(
            _text(
                cx + 4,
                cy - level * radius - 3,
                _n(level),
                cls="chart-muted chart-small chart-halo",
                fill=INK_SOFT,
                extra={
                    "font-size": 10,
                    "stroke": PAPER,
                    "stroke-width": 3,
                    "paint-order": "stroke",
                },
            )
        )
    body.append(_el("g", {"class": "chart-grid-group", "aria-hidden": "true"}, *grid))

    axis_labels: list[str] = []
    for k, label in enumerate(labels):
        c, s = math.cos(angles[k]), math.sin(angles[k])
        x, y = cx + (radius + 12) * c, cy + (radius + 12) * s
        anchor = "start" if c > 0.3 else "end" if c < -0.3 else "middle"
        dy = 12.0 if s > 0.3 else -2.0 if s < -0.3 else 4.0
        axis_labels.append(_text(x, y + dy, label, limit=20, cls="chart-axis-label", anchor=anchor))
    body.append(_el("g", {"class": "chart-axis-labels"}, *axis_labels))

    summaries: list[str] = []
    missing_notes: list[str] = []
    clipped_notes: list[str] = []
    legend: list[str] = []
    for i, item in enumerate(series):
        name = _clean(item.get("label", "")) or f"Series {i + 1}"
        values = item.get("values") or {}
        coords: list[tuple[float, float]] = []
        markers: list[str] = []
        words: list[str] = []
        for k, key in enumerate(keys):
            raw = _num(values.get(key), f"{name} / {labels[k]}")
            if raw is None:
                value, clipped = 0.0, False
                words.append(f"{labels[k]} no value")
                missing_notes.append(f"{name} {labels[k]}")
            else:
                value, clipped = _clip(raw, 0.0, 1.0)
                words.append(f"{labels[k]} {_n(raw)}")
                if clipped:
                    clipped_notes.append(f"{name} {labels[k]} {_n(raw)}")
            x, y = at(k, value)
            coords.append((x, y))
            markers.append(_marker(i, x, y, hollow=raw is None))
        summary = f"{name}: " + ", ".join(words)
        summaries.append(summary + ".")
        polygon = _el(
            "polygon",
            {"class": "chart-area", "points": _points(coords)}
            | _series_stroke(i)
            | {"fill": PALETTE[i], "fill-opacity": "0.08"},
        )
        body.append(
            _el(
                "g",
                {"class": f"chart-series chart-s{i}"},
                _el("title", None, summary),
                polygon,
                *markers,
            )
        )
        legend.append(_legend_entry(i, 40, legend_top + 20 * i, name, limit=60))
    body.append(_el("g", {"class": "chart-ring-labels", "aria-hidden": "true"}, *ring_labels))
    body.append(_el("g", {"class": "chart-legend"}, *legend))

    desc = _sentence(
        [
            f"Radar chart comparing {len(series)} series on {m} axes "
            f"({', '.join(labels)}), each scored from 0 to 1.",
            *summaries,
            (
                "Missing values are drawn at 0: " + "; ".join(missing_notes) + "."
                if missing_notes
                else ""
            ),
            (
                "Values outside 0 to 1 were clipped to the edge: " + "; ".join(clipped_notes) + "."
                if clipped_notes
                else ""
            ),
        ]
    )
    return _svg("radar", title, desc, width, height, body)
