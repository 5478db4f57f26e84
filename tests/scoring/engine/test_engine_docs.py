"""docs/methodology.md must match the live parameter set and the engine's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.engine import DEFAULT_PARAMETERS, parameter_rows, score, simulate
from scoring.engine.params import LEVER_ORDER, LeverEffect

from .engine_strategies import example_draft

DOC = Path(__file__).resolve().parents[3] / "docs" / "methodology.md"


def _tables(text: str) -> dict[tuple[str, ...], list[list[str]]]:
    """Markdown tables keyed by their header cells."""
    tables: dict[tuple[str, ...], list[list[str]]] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            header = tuple(c.strip() for c in lines[i].strip("|").split("|"))
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            tables[header] = rows
        else:
            i += 1
    return tables


TABLES = _tables(DOC.read_text(encoding="utf-8"))


def test_parameter_table_matches_parameter_set() -> None:
    rows = TABLES[("parameter", "value")]
    documented = [(name, value) for name, value in rows]
    assert documented == parameter_rows(DEFAULT_PARAMETERS), (
        "docs/methodology.md section 11 drifted from scoring/engine/params.py; "
        "regenerate it from scoring.engine.parameter_rows()"
    )


def test_lever_table_matches_parameter_set() -> None:
    rows = TABLES[("lever", "setting", "p x", "d x", "v x", "p pull", "d pull", "r floor", "r cap")]
    fields = ("p_mul", "d_mul", "v_mul", "p_pull", "d_pull", "r_floor", "r_cap")
    documented = {
        (lever, setting): LeverEffect(**dict(zip(fields, map(float, values), strict=True)))
        for lever, setting, *values in rows
    }
    expected = {("generation_lag", "per generation"): DEFAULT_PARAMETERS.generation_lag}
    for lever in LEVER_ORDER:
        if lever == "generation_lag":
            continue
        for setting, effect in DEFAULT_PARAMETERS.levers[lever].items():
            if effect != LeverEffect():
                expected[(lever, setting)] = effect
    assert documented == expected


def test_hostility_and_staged_values_are_stated_in_words() -> None:
    text = DOC.read_text(encoding="utf-8")
    h = DEFAULT_PARAMETERS.hostility
    assert (
        f"`h` = {h['ally']} for allies, {h['neutral']} for neutral states, {h['competitor']}"
        in text
    )
    prm = DEFAULT_PARAMETERS
    assert f"`e = {prm.staged_effectiveness}`, `eps = {prm.staged_erosion}`" in text
    assert "## What changed from 2026.1 and why" in text
    assert prm.version in text.splitlines()[0]


def test_worked_example_numbers_come_from_the_engine() -> None:
    result = score(example_draft())
    rows = TABLES[("score", "value")]
    assert [name for name, _ in rows] == list(result.scores)
    for name, value in rows:
        assert float(value) == pytest.approx(result.scores[name], abs=1e-4), name
    lines = TABLES[("line", "p'", "d'", "r'", "v'", "value", "ps", "label")]
    for row, line in zip(lines, result.lines, strict=True):
        numbers = [float(x) for x in row[1:7]]
        computed = [line.p, line.d, line.r, line.v, line.value, line.power_share]
        assert numbers == pytest.approx(computed, abs=1e-4)
        assert row[7] == line.label.replace("_", "-")
    assert result.label == "benefit_sharing"


def test_worked_example_coalition_statement() -> None:
    result = simulate(example_draft(), seed=42)
    assert result.coalition is not None
    margins = [round(m.margin, 3) for m in result.coalition.margins]
    assert margins == [0.29, 0.16]
    assert result.coalition.stability_likelihood == pytest.approx(0.95, abs=0.01)
    assert result.coalition.largest_stable_subset is not None
    assert result.coalition.largest_stable_subset.members == ("BRA", "JPN")


def test_sensitivity_worked_example_matches_the_engine() -> None:
    from scoring.engine.attribution import simulate_with_attribution
    from scoring.engine.sensitivity import sweep

    rows = TABLES[("dsa", "credibility", "90% band")]
    result = sweep(example_draft(), axis="dsa", points=6, n_samples=2000, seed=1)
    for row, point in zip(rows, result.scores["credibility"], strict=True):
        assert float(row[0]) == pytest.approx(point.x)
        assert row[1] == f"{point.value:.1f}"
        assert row[2] == f"{point.p5:.1f} - {point.p95:.1f}"
    _, attribution = simulate_with_attribution(example_draft(), n_samples=2000, seed=1)
    top = attribution.scores["credibility"][:4]
    text = DOC.read_text(encoding="utf-8")
    for driver in top:
        assert f"{100 * driver.share:.0f}%" in text
    assert top[1].label == "Japan's trust in United States"
