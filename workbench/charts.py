"""Server-rendered inline SVG charts for comparing agreement drafts.

Every public function returns one ``<svg class="chart ...">`` element as a ``SafeString``
that can be dropped straight into a template. The rules they share:

* No JavaScript and no external resources: plain SVG with ``role="img"``, a ``<title>``
  and a ``<desc>`` that states the data in words for screen readers (wired up with
  ``aria-labelledby``/``aria-describedby``).
* Every piece of text that comes from data is escaped: elements are only ever built by
  ``_el``, which goes through ``format_html``.
* Numbers are written with two decimals; output is deterministic (ids come from a hash of
  the chart's content, so two identical charts on one page share ids, harmlessly).
* Shapes carry CSS classes for theming *and* inline ``fill``/``stroke`` presentation
  attributes, so a chart stays legible without the stylesheet (e.g. printed).
* Series are told apart by colour (Okabe-Ito based), dash pattern and marker shape.
* Empty input returns a small "No data yet" SVG rather than raising. Input beyond a
  documented limit (e.g. nine radar axes, seven series) is a programming error and
  raises ``ValueError``; so do non-numeric values and an empty or reversed domain.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

__all__ = [
    "DASHES",
    "MARKERS",
    "NO_DATA",
    "PALETTE",
    "bar_list",
    "interval_chart",
    "line_chart",
    "radar_chart",
]

SVG_NS = "http://www.w3.org/2000/svg"
NO_DATA = "No data yet"

# Okabe-Ito colours (safe for the common colour-vision deficiencies), black in place of
# sky blue for contrast on white; orange is last because it has the least contrast.
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#1B1F24", "#E69F00")
DASHES: tuple[str, ...] = ("none", "7 4", "2 3", "10 3 2 3", "4 2 1 2", "12 3 4 3")
MARKERS: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "triangle-down", "plus")
MAX_SERIES = len(PALETTE)

# Fallback colours, mirroring static/css/windfall.css.
INK = "#1b1f24"
INK_SOFT = "#4a5360"
LINE = "#d5dbe1"
ACCENT = "#1f4e79"
ACCENT_SOFT = "#e3edf7"
BAD = "#a1232b"
WARN = "#8a5200"
PAPER = "#ffffff"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"

ELLIPSIS = "\u2026"
# Characters XML 1.0 forbids (and HTML parsers replace): C0 controls, lone surrogates, etc.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --------------------------------------------------------------------------- helpers


def _n(x: float) -> str:
    """A number with two decimals (never ``-0.00``)."""
    s = f"{x:.2f}"
    return "0.00" if s == "-0.00" else s


def _signed(x: float) -> str:
    """A number with an explicit sign and two decimals; zero is ``0.00``."""
    s = f"{x:+.2f}"
    return "0.00" if s in ("+0.00", "-0.00") else s


def _attr(value: object) -> str:
    return _n(value) if isinstance(value, float) else str(value)


def _join(parts: Iterable[str]) -> SafeString:
    """Concatenate fragments, escaping any that are not already safe."""
    return format_html_join("", "{}", ((p,) for p in parts))


def _el(tag: str, attrs: Mapping[str, object] | None = None, *children: str) -> SafeString:
    """One element; attribute values and plain-``str`` children are escaped."""
    attr_html = format_html_join("", ' {}="{}"', ((k, _attr(v)) for k, v in (attrs or {}).items()))
    if not children:
        return format_html("<{}{} />", tag, attr_html)
    return format_html("<{}{}>{}</{}>", tag, attr_html, _join(children), tag)


def _clean(text: object) -> str:
    """Text without XML-invalid characters, whitespace runs collapsed to one space."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _num(value: Any, what: str) -> float | None:
    """A finite-or-infinite float, or None for None/NaN; anything else is a ValueError."""
    if value is None:
        return None
    if isinstance(value, str | bytes):
        raise ValueError(f"{what} must be a number or None, got {value!r}")
    try:
        f = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a number or None, got {value!r}") from exc
    return None if math.isnan(f) else f


def _clip(value: float, lo: float, hi: float) -> tuple[float, bool]:
    if value < lo:
        return lo, True
    if value > hi:
        return hi, True
    return value, False


def _check_domain(domain: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(domain[0]), float(domain[1]))
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"domain must be two finite numbers with low < high, got {domain!r}")
    return lo, hi


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    return [lo + (hi - lo) * k / (count - 1) for k in range(count)]


def _points(coords: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)


def _sentence(parts: Iterable[str]) -> str:
    return " ".join(p for p in parts if p)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    limit: int = 1000,
    cls: str = "",
    anchor: str = "start",
    fill: str = INK,
    extra: Mapping[str, object] | None = None,
) -> SafeString:
    """A text label; if truncated, the full text goes in a ``<title>`` (tooltip)."""
    shown = _truncate(text, limit)
    attrs: dict[str, object] = {"x": float(x), "y": float(y), "text-anchor": anchor, "fill": fill}
    if cls:
        attrs["class"] = cls
    attrs.update(extra or {})
    element = _el("text", attrs, shown)
    if shown != text:
        return _el("g", {"class": "chart-truncated"}, _el("title", None, text), element)
    return element


def _marker_d(shape: str, x: float, y: float, s: float = 4.0) -> str:
    """Path data for a marker of the given shape centred on (x, y)."""
    if shape == "square":
        k = s * 0.85
        return f"M{_n(x - k)},{_n(y - k)}h{_n(2 * k)}v{_n(2 * k)}h{_n(-2 * k)}Z"
    if shape == "triangle":
        return (
            f"M{_n(x)},{_n(y - 1.15 * s)}L{_n(x + s)},{_n(y + 0.85 * s)}"
            f"L{_n(x - s)},{_n(y + 0.85 * s)}Z"
        )
    if shape == "triangle-down":
        return (
            f"M{_n(x)},{_n(y + 1.15 * s)}L{_n(x + s)},{_n(y - 0.85 * s)}"
            f"L{_n(x - s)},{_n(y - 0.85 * s)}Z"
        )
    if shape == "diamond":
        k = s * 1.25
        return f"M{_n(x)},{_n(y - k)}L{_n(x + k)},{_n(y)}L{_n(x)},{_n(y + k)}L{_n(x - k)},{_n(y)}Z"
    if shape == "plus":
        t, k = s * 0.45, s * 1.1
        return (
            f"M{_n(x - t)},{_n(y - k)}H{_n(x + t)}V{_n(y - t)}H{_n(x + k)}V{_n(y + t)}"
            f"H{_n(x + t)}V{_n(y + k)}H{_n(x - t)}V{_n(y + t)}H{_n(x - k)}V{_n(y - t)}"
            f"H{_n(x - t)}Z"
        )
    # circle
    arc = f"a{_n(s)},{_n(s)} 0 1,0"
    return f"M{_n(x - s)},{_n(y)}{arc} {_n(2 * s)},0{arc} {_n(-2 * s)},0Z"


def _arrow_d(edge: float, y: float, sign: int, gap: float, half: float) -> str:
    """A small triangle just past ``edge`` pointing outward (``sign`` -1 left, +1 right)."""
    base, tip = edge + sign * gap, edge + sign * (gap + 6)
    return f"M{_n(tip)},{_n(y)}L{_n(base)},{_n(y - half)}L{_n(base)},{_n(y + half)}Z"


def _marker(i: int, x: float, y: float, *, hollow: bool = False) -> SafeString:
    colour = PALETTE[i]
    cls = "chart-marker chart-marker-empty" if hollow else "chart-marker"
    return _el(
        "path",
        {
            "class": cls,
            "d": _marker_d(MARKERS[i], x, y),
            "fill": PAPER if hollow else colour,
            "stroke": colour,
            "stroke-width": "1.5" if hollow else "1",
        },
    )


def _series_stroke(i: int) -> dict[str, object]:
    return {
        "fill": "none",
        "stroke": PALETTE[i],
        "stroke-width": 2,
        "stroke-dasharray": DASHES[i],
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
    }


def _legend_entry(i: int, x: float, y: float, label: str, limit: int) -> SafeString:
    """A line sample with the series' dash pattern and marker, then its label."""
    line = _el(
        "line",
        {"class": "chart-line", "x1": float(x), "y1": float(y), "x2": float(x + 36), "y2": float(y)}
        | _series_stroke(i),
    )
    return _el(
        "g",
        {"class": f"chart-legend-item chart-s{i}"},
        line,
        _marker(i, x + 18, y),
        _text(x + 44, y + 4, label, limit=limit, cls="chart-legend-label"),
    )


def _svg(
    kind: str,
    title: str,
    desc: str,
    width: int,
    height: float,
    body: Sequence[str],
    *,
    extra_class: str = "",
) -> SafeString:
    """Wrap chart content in the accessible root element."""
    inner = _join(body)
    digest = hashlib.sha256("\x1f".join((kind, title, desc, str(inner))).encode()).hexdigest()
    cid = f"wf-{kind}-{digest[:10]}"
    return _el(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": f"chart chart-{kind}{' ' + extra_class if extra_class else ''}",
            "viewBox": f"0 0 {width} {_n(height)}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{cid}-title",
            "aria-describedby": f"{cid}-desc",
            "font-family": FONT,
            "font-size": 12,
        },
        _el("title", {"id": f"{cid}-title"}, title),
        _el("desc", {"id": f"{cid}-desc"}, desc),
        inner,
    )


def _no_data(kind: str, title: str) -> SafeString:
    """The small placeholder returned for empty input."""
    body = [
        _text(
            320,
            25,
            NO_DATA,
            cls="chart-muted chart-no-data",
            anchor="middle",
            fill=INK_SOFT,
            extra={"font-style": "italic"},
        )
    ]
    return _svg(kind, title, f"{NO_DATA}.", 640, 40, body, extra_class="chart-empty")


def _title(title: str, default: str) -> str:
    return _clean(title) or default


def _check_series_count(n: int, what: str) -> None:
    if n > MAX_SERIES:
        raise ValueError(f"{what} can show at most {MAX_SERIES} series, got {n}")


# --------------------------------------------------------------------------- radar


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


# --------------------------------------------------------------------------- intervals


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


# --------------------------------------------------------------------------- lines


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


# --------------------------------------------------------------------------- bars


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
