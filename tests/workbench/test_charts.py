"""Server-rendered SVG charts: well-formed, accessible, escaped, deterministic."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from django.utils.safestring import SafeString
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.charts import (
    DASHES,
    NO_DATA,
    PALETTE,
    bar_list,
    interval_chart,
    line_chart,
    radar_chart,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
PAYLOAD = '<script>alert("x")</script> & <b>bold</b>'

AXES = [("fair", "Fairness"), ("open", "Openness"), ("enf", "Enforcement"), ("cap", "Capability")]
SERIES = [
    {"label": "Draft A", "values": {"fair": 0.8, "open": 0.5, "enf": 0.25, "cap": 0.3}},
    {"label": "Draft B", "values": {"fair": 0.4, "open": 0.7, "enf": 0.6, "cap": 0.5}},
]
ROWS = [
    {"label": "Credibility", "p5": 0.3, "p50": 0.5, "p95": 0.7, "value": 0.52},
    {"label": "Risk", "p5": 0.1, "p50": 0.2, "p95": 0.4, "value": 0.25},
]
POINTS = [
    {"label": "Phase 1: Trust building", "values": {"b": 0.2, "r": 0.9}},
    {"label": "Phase 2: Joint research", "values": {"b": 0.4, "r": 0.7}},
    {"label": "Phase 3: Shared compute", "values": {"b": 0.6, "r": 0.5}},
]
LINES = [("b", "Benefit"), ("r", "Risk")]
BARS = [("Compute access", 0.4), ("Model weights", -0.15), ("Revenue share", 0.25)]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def find(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.findall(f".//svg:{tag}", NS)
    if cls is None:
        return found
    return [el for el in found if cls in el.get("class", "").split()]


def desc_of(root: ET.Element) -> str:
    desc = root.find("svg:desc", NS)
    assert desc is not None
    return desc.text or ""


def title_of(root: ET.Element) -> str:
    title = root.find("svg:title", NS)
    assert title is not None
    return title.text or ""


BUILDERS: dict[str, Callable[[], str]] = {
    "radar": lambda: radar_chart(SERIES, AXES, title="Drafts compared"),
    "interval": lambda: interval_chart(ROWS, title="Scores", value_label="Score"),
    "line": lambda: line_chart(POINTS, LINES, title="Trajectory"),
    "bars": lambda: bar_list(BARS, title="Contributions"),
}

EMPTY: dict[str, Callable[[], str]] = {
    "radar": lambda: radar_chart([], AXES, title="Drafts compared"),
    "radar-no-axes": lambda: radar_chart(SERIES, [], title="Drafts compared"),
    "interval": lambda: interval_chart([], title="Scores"),
    "line": lambda: line_chart([], LINES, title="Trajectory"),
    "line-no-series": lambda: line_chart(POINTS, [], title="Trajectory"),
    "bars": lambda: bar_list([], title="Contributions"),
}


# --------------------------------------------------------------------------- common


@pytest.mark.parametrize("kind", BUILDERS)
def test_chart_is_an_accessible_well_formed_svg(kind: str) -> None:
    svg = BUILDERS[kind]()
    assert isinstance(svg, SafeString)
    assert 'role="img"' in svg
    root = parse(svg)
    assert root.get("role") == "img"
    assert "chart" in root.get("class", "").split()
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ \d+\.\d\d", root.get("viewBox", ""))
    assert title_of(root)
    assert desc_of(root)
    title_id, desc_id = root.get("aria-labelledby"), root.get("aria-describedby")
    assert root.find(f"svg:title[@id='{title_id}']", NS) is not None
    assert root.find(f"svg:desc[@id='{desc_id}']", NS) is not None


@pytest.mark.parametrize("kind", BUILDERS)
def test_output_is_deterministic(kind: str) -> None:
    assert BUILDERS[kind]() == BUILDERS[kind]()


@pytest.mark.parametrize("kind", BUILDERS)
def test_numbers_have_at_most_two_decimals(kind: str) -> None:
    assert not re.search(r"\d\.\d{3,}", BUILDERS[kind]())


@pytest.mark.parametrize("kind", BUILDERS)
def test_no_external_resources_or_script(kind: str) -> None:
    svg = BUILDERS[kind]()
    for needle in ("<script", "href", "https://", "<image", "<foreignObject", "url("):
        assert needle not in svg
    assert svg.count("http://") == 1  # only the xmlns declaration


def test_different_data_gives_different_ids() -> None:
    a = parse(radar_chart(SERIES, AXES, title="One"))
    b = parse(radar_chart(SERIES[:1], AXES, title="One"))
    assert a.get("aria-labelledby") != b.get("aria-labelledby")


@pytest.mark.parametrize("kind", EMPTY)
def test_empty_input_gives_a_small_no_data_svg(kind: str) -> None:
    svg = EMPTY[kind]()
    root = parse(svg)
    assert root.get("role") == "img"
    assert "chart-empty" in root.get("class", "").split()
    assert desc_of(root) == f"{NO_DATA}."
    assert [t.text for t in find(root, "text")] == [NO_DATA]
    assert title_of(root)


def test_blank_title_gets_a_default() -> None:
    assert title_of(parse(bar_list(BARS, title="  "))) == "Bar chart"


# --------------------------------------------------------------------------- escaping


def test_labels_and_titles_are_escaped_everywhere() -> None:
    outputs = [
        radar_chart(
            [{"label": PAYLOAD, "values": {"x": 1, "y": 0.5, PAYLOAD: 0.2}}],
            [("x", PAYLOAD), ("y", "Y"), (PAYLOAD, "")],
            title=PAYLOAD,
        ),
        interval_chart(
            [{"label": PAYLOAD, "p5": 0.1, "p50": 0.2, "p95": 0.3, "value": 0.2}],
            title=PAYLOAD,
            value_label=PAYLOAD,
        ),
        line_chart(
            [{"label": PAYLOAD, "values": {"k": 0.5}}, {"label": "B", "values": {"k": 0.6}}],
            [("k", PAYLOAD)],
            title=PAYLOAD,
        ),
        bar_list([(PAYLOAD, 1.0), ("ok", -0.5)], title=PAYLOAD),
    ]
    for svg in outputs:
        assert "<script" not in svg
        assert "<b>" not in svg
        root = parse(svg)
        # Escaped once, not twice: the parsed text is the original.
        assert title_of(root) == PAYLOAD
        assert PAYLOAD in desc_of(root)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=30), number=st.floats(allow_nan=False, allow_infinity=False))
def test_elements_escape_exactly_as_format_html(text: str, number: float) -> None:
    """``_el`` builds strings directly (for speed) but escapes as ``format_html`` would:
    plain text and attribute values escaped once, safe fragments and lazy text as Django
    treats them."""
    from django.utils.html import format_html, format_html_join
    from django.utils.translation import gettext_lazy

    from workbench.charts.svg import _attr, _el

    def reference(tag: str, attrs: dict[str, object], *children: object) -> str:
        attr_html = format_html_join("", ' {}="{}"', ((k, _attr(v)) for k, v in attrs.items()))
        if not children:
            return format_html("<{}{} />", tag, attr_html)
        inner = format_html_join("", "{}", ((c,) for c in children))
        return format_html("<{}{}>{}</{}>", tag, attr_html, inner, tag)

    safe = SafeString("<tspan>kept</tspan>")
    attrs: dict[str, object] = {"x": number, "data-label": text, "class": safe, "n": 3}
    for children in ((), (text,), (safe, text, gettext_lazy("Risk")), (PAYLOAD,)):
        built = _el("text", attrs, *children)
        assert built == reference("text", attrs, *children)
        assert isinstance(built, SafeString)


@settings(max_examples=60, deadline=None)
@given(label=st.text(max_size=40))
def test_arbitrary_labels_always_give_well_formed_svg(label: str) -> None:
    for svg in (
        radar_chart(
            [{"label": label, "values": {}}], [("a", label), ("b", "B"), ("c", "C")], title=label
        ),
        interval_chart([{"label": label, "p50": 0.5}], title=label, value_label=label),
        line_chart([{"label": label, "values": {"k": 0.1}}], [("k", label)], title=label),
        bar_list([(label, 1.0)], title=label),
    ):
        assert "<script" not in svg
        parse(svg)


# --------------------------------------------------------------------------- radar


def test_radar_draws_one_polygon_per_series_with_distinct_styles() -> None:
    series = [
        {"label": f"Draft {i}", "values": {key: 0.1 * (i + 1) for key, _ in AXES}} for i in range(6)
    ]
    root = parse(radar_chart(series, AXES, title="Six drafts"))
    polygons = find(root, "polygon")
    assert len(polygons) == 6
    assert [p.get("stroke") for p in polygons] == list(PALETTE)
    assert [p.get("stroke-dasharray") for p in polygons] == list(DASHES)
    assert len(set(PALETTE)) == len(set(DASHES)) == 6
    assert len(find(root, "g", "chart-legend-item")) == 6
    assert len(find(root, "path", "chart-grid")) == 4  # rings at .25/.5/.75/1
    labels = [t.text for t in find(root, "text", "chart-axis-label")]
    assert labels == [label for _, label in AXES]
    assert "Draft 0: Fairness 0.10" in desc_of(root)


def test_radar_none_is_drawn_at_the_centre_and_noted() -> None:
    series = [{"label": "Draft A", "values": {"fair": 0.5, "open": None, "enf": 0.5}}]
    root = parse(radar_chart(series, AXES, title="Gaps"))
    points = find(root, "polygon")[0].get("points", "").split()
    assert points[1] == "280.00,175.00"  # the centre
    assert points[3] == "280.00,175.00"  # "cap" is missing from the mapping entirely
    assert len(find(root, "path", "chart-marker-empty")) == 2
    desc = desc_of(root)
    assert "Openness no value" in desc
    assert "Missing values are drawn at 0: Draft A Openness; Draft A Capability." in desc


def test_radar_clips_values_outside_zero_to_one() -> None:
    series = [{"label": "Draft A", "values": {"fair": 1.4, "open": -0.2, "enf": 1, "cap": 0}}]
    root = parse(radar_chart(series, AXES, title="Clip"))
    points = find(root, "polygon")[0].get("points", "").split()
    assert points[0] == "280.00,45.00"  # top vertex at the outer ring, not beyond
    assert points[1] == "280.00,175.00"
    assert "clipped to the edge: Draft A Fairness 1.40; Draft A Openness -0.20." in desc_of(root)


@pytest.mark.parametrize("count", [1, 2, 9])
def test_radar_rejects_an_unsupported_number_of_axes(count: int) -> None:
    axes = [(f"k{i}", f"Axis {i}") for i in range(count)]
    with pytest.raises(ValueError, match=f"3 to 8 axes, got {count}"):
        radar_chart(SERIES, axes, title="Bad")


def test_radar_rejects_more_than_six_series() -> None:
    with pytest.raises(ValueError, match="at most 6 series, got 7"):
        radar_chart([SERIES[0]] * 7, AXES, title="Too many")


def test_radar_rejects_non_numeric_values() -> None:
    with pytest.raises(ValueError, match="must be a number or None"):
        radar_chart([{"label": "A", "values": {"fair": "high"}}], AXES, title="Bad")


# --------------------------------------------------------------------------- intervals


def band_extent(rect: ET.Element) -> tuple[float, float]:
    x = float(rect.get("x", "nan"))
    return x, x + float(rect.get("width", "nan"))


def test_interval_draws_band_median_and_point_per_row() -> None:
    root = parse(interval_chart(ROWS, title="Scores"))
    assert len(find(root, "rect")) == len(ROWS)
    assert len(find(root, "polygon")) == len(ROWS)
    assert len(find(root, "line", "chart-median")) == len(ROWS) + 1  # + legend sample
    ticks = [t.text for t in find(root, "text", "chart-tick")]
    assert ticks == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    assert "Credibility: median 0.50, 5th to 95th percentile 0.30 to 0.70" in desc_of(root)


def test_interval_clips_to_the_domain_and_says_so() -> None:
    rows = [{"label": "Wide", "p5": -0.5, "p50": 0.5, "p95": 1.5, "value": 2.0}]
    root = parse(interval_chart(rows, title="Clip"))
    axis = find(root, "line", "chart-axis")[0]
    x0, x1 = float(axis.get("x1", "nan")), float(axis.get("x2", "nan"))
    lo, hi = band_extent(find(root, "rect")[0])
    assert (lo, hi) == (x0, x1)
    diamond_xs = [
        float(p.split(",")[0]) for p in find(root, "polygon")[0].get("points", "").split()
    ]
    assert max(diamond_xs) <= x1 + 6
    assert len(find(root, "path", "chart-clip")) == 2  # one arrow per side
    assert "clipped to the edge: Wide p5 -0.50; Wide p95 1.50; Wide value 2.00." in desc_of(root)


def test_interval_custom_domain() -> None:
    rows = [{"label": "Net", "p5": -2, "p50": 0, "p95": 2, "value": 1}]
    root = parse(interval_chart(rows, title="Net", domain=(-4, 4), value_label="Net incentive"))
    ticks = [t.text for t in find(root, "text", "chart-tick")]
    assert ticks == ["-4.00", "-2.00", "0.00", "2.00", "4.00"]
    assert "clipped" not in desc_of(root)
    assert "(Net incentive)" in desc_of(root)


def test_interval_none_handling() -> None:
    rows: list[dict[str, Any]] = [
        {"label": "Empty", "p5": None, "p50": None, "p95": None, "value": None},
        {"label": "Point only", "value": 0.4},
        {"label": "Half band", "p5": 0.2, "p50": float("nan"), "p95": None},
    ]
    root = parse(interval_chart(rows, title="Gaps"))
    assert find(root, "rect") == []
    assert len(find(root, "polygon")) == 1
    assert [t.text for t in find(root, "text", "chart-no-score")] == ["no score"]
    desc = desc_of(root)
    assert "Empty: no score." in desc
    assert "Point only: deterministic value 0.40." in desc
    assert "Half band: 5th percentile 0.20." in desc


def test_interval_limits() -> None:
    with pytest.raises(ValueError, match="at most 12 rows, got 13"):
        interval_chart(ROWS[:1] * 13, title="Too many")
    assert len(find(parse(interval_chart(ROWS[:1] * 12, title="Twelve")), "rect")) == 12
    with pytest.raises(ValueError, match="low < high"):
        interval_chart(ROWS, title="Bad", domain=(1.0, 1.0))


# --------------------------------------------------------------------------- lines


def test_line_draws_one_polyline_per_series_with_markers() -> None:
    root = parse(line_chart(POINTS, LINES, title="Trajectory"))
    polylines = find(root, "polyline")
    assert len(polylines) == len(LINES)
    assert [p.get("stroke") for p in polylines] == list(PALETTE[:2])
    assert len(find(root, "path", "chart-marker")) == len(LINES) * (len(POINTS) + 1)  # + legend
    assert len(polylines[0].get("points", "").split()) == len(POINTS)
    assert len(find(root, "text", "chart-tick")) == 5


def test_line_truncates_long_step_labels_and_keeps_full_text_in_title() -> None:
    root = parse(line_chart(POINTS, LINES, title="Trajectory"))
    ticks = find(root, "g", "chart-xtick")
    assert len(ticks) == len(POINTS)
    shown = ticks[0].find("svg:text", NS)
    full = ticks[0].find("svg:title", NS)
    assert shown is not None and full is not None
    assert shown.text == "Phase 1: Trust bu\u2026"
    assert len(shown.text) == 18
    assert full.text == "Phase 1: Trust building"


def test_line_with_a_single_point_draws_markers_only() -> None:
    root = parse(line_chart(POINTS[:1], LINES, title="One"))
    assert find(root, "polyline") == []
    assert len(find(root, "g", "chart-series")) == 2
    series_markers = [m for g in find(root, "g", "chart-series") for m in find(g, "path")]
    assert len(series_markers) == 2


def test_line_skips_none_and_clips() -> None:
    points = [
        {"label": "P1", "values": {"b": 0.2, "r": 1.5}},
        {"label": "P2", "values": {"b": None, "r": 0.5}},
        {"label": "P3", "values": {"b": 0.6}},
    ]
    root = parse(line_chart(points, LINES, title="Gaps"))
    benefit, risk = find(root, "polyline")
    assert len(benefit.get("points", "").split()) == 2
    assert len(risk.get("points", "").split()) == 2
    assert risk.get("points", "").split()[0].endswith(",14.00")  # top of the plot
    desc = desc_of(root)
    assert "Benefit: step 1 0.20, step 2 no value, step 3 0.60." in desc
    assert "clipped to the edge: Risk step 1 1.50." in desc


def test_line_limits() -> None:
    many = [{"label": f"P{i}", "values": {"b": 0.5}} for i in range(21)]
    with pytest.raises(ValueError, match="at most 20 points, got 21"):
        line_chart(many, LINES, title="Too many")
    assert len(find(parse(line_chart(many[:20], LINES, title="OK")), "polyline")) == 1


# --------------------------------------------------------------------------- bars


def test_bars_one_rect_per_item_negative_left_in_another_colour() -> None:
    root = parse(bar_list(BARS, title="Contributions"))
    rects = find(root, "rect")
    assert len(rects) == len(BARS)
    zero = find(root, "line", "chart-zero")[0]
    zero_x = float(zero.get("x1", "nan"))
    negative = find(root, "rect", "chart-bar-neg")
    positive = find(root, "rect", "chart-bar-pos")
    assert len(negative) == 1 and len(positive) == 2
    assert negative[0].get("fill") != positive[0].get("fill")
    lo, hi = band_extent(negative[0])
    assert hi == pytest.approx(zero_x)
    assert lo < zero_x
    assert float(positive[0].get("x", "nan")) == pytest.approx(zero_x)
    values = [t.text for t in find(root, "text", "chart-value")]
    assert values == ["+0.40", "-0.15", "+0.25"]
    assert "Net total +0.50." in desc_of(root)


def test_bars_fold_into_other_beyond_twelve() -> None:
    items = [(f"Item {i}", float(i + 1)) for i in range(15)]  # Items 0-3 are the smallest
    root = parse(bar_list(items, title="Many"))
    assert len(find(root, "rect")) == 12
    labels = [t.text for t in find(root, "text", "chart-row-label")]
    assert labels[0] == "Item 4"
    assert labels[-1] == "Other (4)"
    assert [t.text for t in find(root, "text", "chart-value")][-1] == "+10.00"  # 1+2+3+4
    assert len(find(root, "rect", "chart-bar-other")) == 1
    assert "combined into Other (4)" in desc_of(root)


def test_bars_fold_by_magnitude_not_sign() -> None:
    items = [(f"Item {i}", -float(i + 1) if i % 2 else float(i + 1)) for i in range(13)]
    root = parse(bar_list(items, title="Mixed"))
    labels = [t.text for t in find(root, "text", "chart-row-label")]
    assert "Item 0" not in labels and "Item 1" not in labels
    assert labels[-1] == "Other (2)"
    assert [t.text for t in find(root, "text", "chart-value")][-1] == "-1.00"  # 1 - 2


def test_bars_max_abs_sets_scale_and_clips() -> None:
    root = parse(bar_list([("Big", 3.0), ("Small", 0.5)], title="Clip", max_abs=1.0))
    big, small = find(root, "rect")
    assert float(big.get("width", "nan")) == pytest.approx(2 * float(small.get("width", "nan")))
    assert len(find(root, "path", "chart-clip")) == 1
    assert "clipped: Big +3.00." in desc_of(root)


def test_bars_all_zero_does_not_divide_by_zero() -> None:
    root = parse(bar_list([("Nothing", 0.0)], title="Zero"))
    assert find(root, "rect")[0].get("width") == "0.00"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "1.0", None])
def test_bars_reject_non_finite_amounts(bad: object) -> None:
    with pytest.raises(ValueError, match="amount of X"):
        bar_list([("X", bad)], title="Bad")  # type: ignore[list-item]


def test_bars_reject_bad_max_abs() -> None:
    with pytest.raises(ValueError, match="max_abs"):
        bar_list(BARS, title="Bad", max_abs=0)
