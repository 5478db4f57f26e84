"""Sensitivity charts: a score along an axis with its 90% band, and a tornado of drivers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString

from workbench.charts.svg import (
    INK,
    INK_SOFT,
    LINE,
    PALETTE,
    _check_domain,
    _el,
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
)

BAND = "#cfe3f3"


def sweep_chart(
    points: Sequence[Mapping[str, Any]],
    *,
    title: str,
    axis_label: str,
    domain: tuple[float, float],
    current: float | None = None,
    line: str = "value",
    band: bool = True,
) -> SafeString:
    """One score along an axis from 0 to 1: a shaded 90% band (``p5`` to ``p95``), the
    ``line`` key (``value`` or ``mean``) as a polyline, and a dashed mark at ``current``.

    ``points`` items look like ``{"x": 0.1, "value": .., "p5": .., "p95": ..}``; None
    values are left out. Empty input gives a "No data yet" SVG.
    """
    title = _title(title, "Sweep")
    lo, hi = _check_domain(domain)
    if not points:
        return _no_data("sweep", title)
    width, left, right, top, plot_h = 320, 40.0, 310.0, 10.0, 120.0
    bottom = top + plot_h

    def sx(x: float) -> float:
        return left + (right - left) * x

    def sy(v: float) -> float:
        return bottom - (min(hi, max(lo, v)) - lo) / (hi - lo) * plot_h

    body: list[str] = []
    grid: list[str] = []
    for t in _ticks(lo, hi, 3):
        y = sy(t)
        grid.append(_el("line", {"x1": left, "y1": y, "x2": right, "y2": y, "stroke": LINE}))
        grid.append(_text(left - 4, y + 4, _n(t), cls="chart-tick", anchor="end", fill=INK_SOFT))
    for t in (0.0, 0.5, 1.0):
        grid.append(_text(sx(t), bottom + 14, f"{t:g}", anchor="middle", fill=INK_SOFT))
    grid.append(_text((left + right) / 2, bottom + 28, axis_label, anchor="middle", fill=INK))
    body.append(_el("g", {"class": "chart-axes"}, *grid))
    upper: list[tuple[float, float]] = []
    lower: list[tuple[float, float]] = []
    coords: list[tuple[float, float]] = []
    words: list[str] = []
    for p in points:
        x = float(p["x"])
        value = _num(p.get(line), f"{title} at {x}")
        p5, p95 = _num(p.get("p5"), "p5"), _num(p.get("p95"), "p95")
        if band and p5 is not None and p95 is not None:
            upper.append((sx(x), sy(p95)))
            lower.append((sx(x), sy(p5)))
        if value is not None:
            coords.append((sx(x), sy(value)))
            has_band = band and p5 is not None and p95 is not None
            band_words = f" (90% {_n(p5 or 0.0)} to {_n(p95 or 0.0)})" if has_band else ""
            words.append(f"at {x:g}: {_n(value)}{band_words}")
    if len(upper) >= 2:
        body.append(
            _el(
                "polygon",
                {
                    "class": "chart-band",
                    "points": _points(upper + lower[::-1]),
                    "fill": BAND,
                    "stroke": "none",
                },
            )
        )
    if len(coords) >= 2:
        body.append(
            _el("polyline", {"class": "chart-line", "points": _points(coords)} | _series_stroke(0))
        )
    if current is not None and 0.0 <= current <= 1.0:
        x = sx(current)
        body.append(
            _el(
                "line",
                {
                    "class": "chart-current",
                    "x1": x,
                    "y1": top,
                    "x2": x,
                    "y2": bottom,
                    "stroke": INK_SOFT,
                    "stroke-dasharray": "3 3",
                },
            )
        )
    desc = _sentence(
        [
            f"{title} against {axis_label} from 0 to 1:",
            "; ".join(words) + ".",
            f"The draft's own value is {current:g}." if current is not None else "",
        ]
    )
    return _svg("sweep", title, desc, width, bottom + 34, body)


def tornado_chart(drivers: Sequence[Mapping[str, Any]], *, title: str) -> SafeString:
    """Horizontal bars of each driver's share of variance, to the right when the score
    rises with the input and to the left when it falls (largest first)."""
    title = _title(title, "Drivers")
    if not drivers:
        return _no_data("tornado", title)
    width, mid, half, row = 640, 420.0, 200.0, 20.0
    body: list[str] = []
    words: list[str] = []
    for k, d in enumerate(drivers):
        share = float(d["share"])
        rho = float(d["rho"])
        y = 8 + row * k
        w = half * share
        x = mid if rho >= 0 else mid - w
        colour = PALETTE[0] if rho >= 0 else PALETTE[1]
        label = str(d["label"])
        body.append(
            _el(
                "g",
                {"class": "chart-bar"},
                _el("title", None, f"{label}: {100 * share:.0f}%"),
                _el("rect", {"x": x, "y": y, "width": max(w, 1.0), "height": 14, "fill": colour}),
                _text(8, y + 11, label, limit=44, fill=INK),
                _text(
                    mid + (w + 4 if rho >= 0 else -w - 4),
                    y + 11,
                    f"{100 * share:.0f}%",
                    anchor="start" if rho >= 0 else "end",
                    fill=INK_SOFT,
                ),
            )
        )
        way = "rises" if rho >= 0 else "falls"
        words.append(f"{label} {100 * share:.0f}% (the score {way} with it)")
    height = 8 + row * len(drivers) + 4
    body.append(_el("line", {"x1": mid, "y1": 4, "x2": mid, "y2": height - 2, "stroke": INK_SOFT}))
    desc = "Share of the Monte Carlo variance each input explains: " + "; ".join(words) + "."
    return _svg("tornado", title, desc, width, height, body)
