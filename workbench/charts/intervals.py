"""Interval chart: point values with 90% bands, one row per score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString

from workbench.charts.svg import (
    ACCENT,
    ACCENT_SOFT,
    INK,
    INK_SOFT,
    LINE,
    PAPER,
    WARN,
    _arrow_d,
    _check_domain,
    _clean,
    _clip,
    _el,
    _marker_d,
    _n,
    _no_data,
    _num,
    _points,
    _sentence,
    _svg,
    _text,
    _ticks,
    _title,
)


def interval_chart(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    domain: tuple[float, float] = (0.0, 1.0),
    value_label: str = "",
) -> SafeString:
    """Horizontal uncertainty bands for up to 12 rows.

    Each row is ``{"label", "p5", "p50", "p95", "value"}`` (numbers or None): a band from
    p5 to p95, a tick at p50 and a diamond at the deterministic ``value``. Values outside
    ``domain`` are clipped (and the ``<desc>`` says so); an all-None row shows "no score".
    Empty input gives a "No data yet" SVG; more than 12 rows raises ``ValueError``.
    """
    title = _title(title, "Interval chart")
    lo, hi = _check_domain(domain)
    if not rows:
        return _no_data("interval", title)
    if len(rows) > 12:
        raise ValueError(f"interval_chart shows at most 12 rows, got {len(rows)}")
    value_label = _clean(value_label)

    width, x0, x1, top, row_h = 640, 190.0, 620.0, 12.0, 28.0
    axis_y = top + row_h * len(rows) + 4
    caption_y = axis_y + 34
    legend_y = caption_y + (20 if value_label else 2)
    height = legend_y + 14

    def sx(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    body: list[str] = []
    grid: list[str] = []
    for t in _ticks(lo, hi):
        x = sx(t)
        grid.append(
            _el(
                "line",
                {"class": "chart-grid", "x1": x, "y1": top, "x2": x, "y2": axis_y, "stroke": LINE},
            )
        )
        grid.append(
            _text(
                x, axis_y + 16, _n(t), cls="chart-muted chart-tick", anchor="middle", fill=INK_SOFT
            )
        )
    grid.append(
        _el(
            "line",
            {
                "class": "chart-axis",
                "x1": x0,
                "y1": axis_y,
                "x2": x1,
                "y2": axis_y,
                "stroke": INK_SOFT,
            },
        )
    )
    if value_label:
        grid.append(
            _text((x0 + x1) / 2, caption_y, value_label, cls="chart-axis-label", anchor="middle")
        )
    body.append(_el("g", {"class": "chart-axes"}, *grid))

    summaries: list[str] = []
    clipped_notes: list[str] = []
    for i, row in enumerate(rows):
        name = _clean(row.get("label", "")) or f"Row {i + 1}"
        yc = top + row_h * i + row_h / 2
        nums = {key: _num(row.get(key), f"{name} {key}") for key in ("p5", "p50", "p95", "value")}
        parts: list[str] = [
            _text(x0 - 14, yc + 4, name, limit=26, cls="chart-row-label", anchor="end")
        ]
        words: list[str] = []
        clip_sides: set[str] = set()

        def place(key: str, v: float, row_name: str = name, sides: set[str] = clip_sides) -> float:
            clipped_v, clipped = _clip(v, lo, hi)
            if clipped:
                clipped_notes.append(f"{row_name} {key} {_n(v)}")
                sides.add("low" if v < lo else "high")
            return sx(clipped_v)

        p5, p50, p95, value = nums["p5"], nums["p50"], nums["p95"], nums["value"]
        if p50 is not None:
            words.append(f"median {_n(p50)}")
        if p5 is not None and p95 is not None:
            a, b = sorted(((p5, "p5"), (p95, "p95")))
            xa, xb = place(a[1], a[0]), place(b[1], b[0])
            words.append(f"5th to 95th percentile {_n(p5)} to {_n(p95)}")
            parts.append(
                _el(
                    "rect",
                    {
                        "class": "chart-band",
                        "x": xa,
                        "y": yc - 7,
                        "width": max(xb - xa, 1.0),
                        "height": 14,
                        "rx": 2,
                        "fill": ACCENT_SOFT,
                        "stroke": ACCENT,
                    },
                )
            )
        else:
            for key, v in (("p5", p5), ("p95", p95)):
                if v is not None:
                    place(key, v)  # only for the clipping note; a lone bound draws nothing
                    words.append(f"{'5th' if key == 'p5' else '95th'} percentile {_n(v)}")
        if p50 is not None:
            x = place("p50", p50)
            parts.append(
                _el(
                    "line",
                    {
                        "class": "chart-median",
                        "x1": x,
                        "y1": yc - 9,
                        "x2": x,
                        "y2": yc + 9,
                        "stroke": ACCENT,
                        "stroke-width": 3,
                    },
                )
            )
        if value is not None:
            x = place("value", value)
            words.append(f"deterministic value {_n(value)}")
            parts.append(
                _el(
                    "polygon",
                    {
                        "class": "chart-point",
                        "points": _points([(x, yc - 6), (x + 6, yc), (x, yc + 6), (x - 6, yc)]),
                        "fill": INK,
                        "stroke": PAPER,
                        "stroke-width": 1,
                    },
                )
            )
        if not words:
            words.append("no score")
            parts.append(
                _text(
                    x0 + 6,
                    yc + 4,
                    "no score",
                    cls="chart-muted chart-no-score",
                    fill=INK_SOFT,
                    extra={"font-style": "italic"},
                )
            )
        for side in sorted(clip_sides):
            ex, sign = (x0, -1) if side == "low" else (x1, 1)
            d = _arrow_d(ex, yc, sign, 3, 5)
            parts.append(
                _el(
                    "path",
                    {"class": "chart-clip", "d": d, "fill": WARN},
                    _el("title", None, "Clipped: beyond the scale"),
                )
            )
        summary = f"{name}: " + ", ".join(words)
        summaries.append(summary + ".")
        body.append(_el("g", {"class": "chart-row"}, _el("title", None, summary), *parts))

    lx = 20.0
    band_d = f"M{_n(lx)},{_n(legend_y - 9)}h20v12h-20Z"
    body.append(
        _el(
            "g",
            {"class": "chart-legend"},
            _el(
                "path", {"class": "chart-band", "d": band_d, "fill": ACCENT_SOFT, "stroke": ACCENT}
            ),
            _text(lx + 26, legend_y + 1, "5th to 95th percentile", cls="chart-legend-label"),
            _el(
                "line",
                {
                    "class": "chart-median",
                    "x1": lx + 190,
                    "y1": legend_y - 10,
                    "x2": lx + 190,
                    "y2": legend_y + 4,
                    "stroke": ACCENT,
                    "stroke-width": 3,
                },
            ),
            _text(lx + 198, legend_y + 1, "median", cls="chart-legend-label"),
            _el(
                "path",
                {
                    "class": "chart-point",
                    "d": _marker_d("diamond", lx + 270, legend_y - 3, 4.8),
                    "fill": INK,
                    "stroke": PAPER,
                },
            ),
            _text(lx + 282, legend_y + 1, "deterministic value", cls="chart-legend-label"),
        )
    )

    scale = f"on a scale from {_n(lo)} to {_n(hi)}"
    desc = _sentence(
        [
            f"Interval chart of {len(rows)} row{'s' if len(rows) != 1 else ''} {scale}"
            + (f" ({value_label})" if value_label else "")
            + ": bands run from the 5th to the 95th percentile, a tick marks the median "
            "and a diamond the deterministic value.",
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
    return _svg("interval", title, desc, width, height, body)
