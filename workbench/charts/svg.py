"""SVG primitives shared by the charts: escaping, elements, markers, axes, legends.

Every element is built by ``_el``, which escapes attribute values and plain-``str``
children exactly as ``format_html`` would (Django's ``conditional_escape``), so text from
data is always escaped (see the package docstring for the rules every chart keeps). It
builds the string directly: a score panel's analysis section has some 560 elements, and
``format_html`` per element and attribute cost ~90 ms of the finished panel.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape as _html_escape
from typing import Any

from django.utils.safestring import SafeString

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


def _escape(value: object) -> str:
    """``conditional_escape``: safe strings (anything with ``__html__``) as they are,
    everything else HTML-escaped (``& < > " '``), as Django's ``escape`` does."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else _html_escape(str(value))


def _join(parts: Iterable[str]) -> SafeString:
    """Concatenate fragments, escaping any that are not already safe."""
    return SafeString("".join(map(_escape, parts)))


def _el(tag: str, attrs: Mapping[str, object] | None = None, *children: str) -> SafeString:
    """One element; attribute values and plain-``str`` children are escaped."""
    attr_html = "".join(f' {_escape(k)}="{_escape(_attr(v))}"' for k, v in (attrs or {}).items())
    name = _escape(tag)
    if not children:
        return SafeString(f"<{name}{attr_html} />")
    return SafeString(f"<{name}{attr_html}>{''.join(map(_escape, children))}</{name}>")


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
