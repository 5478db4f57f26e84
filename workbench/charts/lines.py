"""Line chart: scores along the phases of a draft (the trajectory)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString

from workbench.charts.svg import (
    INK,
    INK_SOFT,
    LINE,
    _check_domain,
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
    _ticks,
    _title,
    _truncate,
)


def line_chart(
    points: Sequence[Mapping[str, Any]],
    series: Sequence[tuple[str, str]],
    *,
    title: str,
    domain: tuple[float, float] = (0.0, 1.0),
) -> SafeString:
    """A trajectory over 1-20 ordered steps, one polyline with markers per series.

    ``points`` items look like ``{"label": "Phase 1: Trust building", "values": {key: v}}``
    and ``series`` is ``(key, label)`` pairs (1-6). None values are skipped (the line joins
    the neighbouring steps) and noted; values outside ``domain`` are clipped and noted.
    Step labels longer than 18 characters are shortened with an ellipsis (full text in the
    tick's ``<title>``). A series with fewer than two values gets markers only.
    Empty input gives a "No data yet" SVG.
    """
    title = _title(title, "Line chart")
    lo, hi = _check_domain(domain)
    if not points or not series:
        return _no_data("line", title)
    if len(points) > 20:
        raise ValueError(f"line_chart shows at most 20 points, got {len(points)}")
    _check_series_count(len(series), "line_chart")

    n = len(points)
    rotate = n > 4
    width = 640
    left, right, top, plot_h = (100.0 if rotate else 56.0), 624.0, 14.0, 200.0
    bottom = top + plot_h
    legend_top = bottom + (104 if rotate else 40)
    legend_rows = math.ceil(len(series) / 3)
    height = legend_top + 20 * legend_rows - 2
    step = (right - left) / n

    def sx(k: int) -> float:
        return left + step * (k + 0.5)

    def sy(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * plot_h

    step_labels = [_clean(p.get("label", "")) or f"Step {k + 1}" for k, p in enumerate(points)]
    body: list[str] = []
    grid: list[str] = []
    for t in _ticks(lo, hi):
        y = sy(t)
        grid.append(
            _el(
                "line",
                {"class": "chart-grid", "x1": left, "y1": y, "x2": right, "y2": y, "stroke": LINE},
            )
        )
        grid.append(
            _text(left - 8, y + 4, _n(t), cls="chart-muted chart-tick", anchor="end", fill=INK_SOFT)
        )
    grid.append(
        _el(
            "line",
            {
                "class": "chart-axis",
                "x1": left,
                "y1": top,
                "x2": left,
                "y2": bottom,
                "stroke": INK_SOFT,
            },
        )
    )
    grid.append(
        _el(
            "line",
            {
                "class": "chart-axis",
                "x1": left,
                "y1": bottom,
                "x2": right,
                "y2": bottom,
                "stroke": INK_SOFT,
            },
        )
    )
    body.append(_el("g", {"class": "chart-axes"}, *grid))

    ticks: list[str] = []
    for k, label in enumerate(step_labels):
        x = sx(k)
        shown = _truncate(label, 18)
        if rotate:
            ty = bottom + 14
            text_attrs: dict[str, object] = {
                "x": x,
                "y": ty,
                "text-anchor": "end",
                "transform": f"rotate(-40 {_n(x)} {_n(ty)})",
            }
        else:
            text_attrs = {"x": x, "y": bottom + 18, "text-anchor": "middle"}
        ticks.append(
            _el(
                "g",
                {"class": "chart-xtick"},
                _el("title", None, label),
                _el("line", {"x1": x, "y1": bottom, "x2": x, "y2": bottom + 4, "stroke": INK_SOFT}),
                _el("text", {"class": "chart-tick-label", "fill": INK} | text_attrs, shown),
            )
        )
    body.append(_el("g", {"class": "chart-xticks"}, *ticks))

    summaries: list[str] = []
    clipped_notes: list[str] = []
    legend: list[str] = []
    for i, (key, raw_label) in enumerate(series):
        name = _clean(raw_label) or _clean(key) or f"Series {i + 1}"
        coords: list[tuple[float, float]] = []
        markers: list[str] = []
        words: list[str] = []
        for k, point in enumerate(points):
            values = point.get("values") or {}
            raw = _num(values.get(key), f"{name} at {step_labels[k]}")
            if raw is None:
                words.append(f"step {k + 1} no value")
                continue
            value, clipped = _clip(raw, lo, hi)
            if clipped:
                clipped_notes.append(f"{name} step {k + 1} {_n(raw)}")
            words.append(f"step {k + 1} {_n(raw)}")
            coords.append((sx(k), sy(value)))
            markers.append(_marker(i, sx(k), sy(value)))
        summary = f"{name}: " + ", ".join(words)
        summaries.append(summary + ".")
        shapes: list[str] = []
        if len(coords) >= 2:
            shapes.append(
                _el(
                    "polyline",
                    {"class": "chart-line", "points": _points(coords)} | _series_stroke(i),
                )
            )
        body.append(
            _el(
                "g",
                {"class": f"chart-series chart-s{i}"},
                _el("title", None, summary),
                *shapes,
                *markers,
            )
        )
        legend.append(
            _legend_entry(i, 20 + 205 * (i % 3), legend_top + 20 * (i // 3), name, limit=22)
        )
    body.append(_el("g", {"class": "chart-legend"}, *legend))

    steps_text = "; ".join(f"{k + 1} {label}" for k, label in enumerate(step_labels))
    desc = _sentence(
        [
            f"Line chart of {len(series)} series over {n} step{'s' if n != 1 else ''} "
            f"on a scale from {_n(lo)} to {_n(hi)}. Steps: {steps_text}.",
            *summaries,
            (
                f"Values outside {_n(lo)} to {_n(hi)} were clipped to the edge: "
                + "; ".join(clipped_notes)
                + "."
                if clipped_notes
                else ""
            ),
        ]
    )
    return _svg("line", title, desc, width, height, body)
