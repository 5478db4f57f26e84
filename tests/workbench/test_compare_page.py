"""The compare page: a chart that keeps each criterion's scale, a verdict that matches the
SMAA table, and weights in the analyst's own 0-10 units."""

from __future__ import annotations

import re

import pytest

from agreements import services
from agreements.models import Agreement
from workbench.charts import dot_plot
from workbench.presenters import analyst_weight

pytestmark = pytest.mark.django_db


def _xs(svg: str, criterion: str) -> dict[str, float]:
    return {
        series: float(x)
        for series, crit, x in re.findall(
            r'data-series="([^"]+)" data-criterion="([^"]+)" data-x="([\d.]+)"', str(svg)
        )
        if crit == criterion
    }


def test_the_chart_keeps_close_values_apart_and_draws_costs_inverted():
    svg = dot_plot(
        [
            {
                "key": "credibility",
                "label": "Credibility",
                "domain": (0, 100),
                "better": "up",
                "values": [100, 94],
                "format": "{:.0f}",
            },
            {
                "key": "risk_overall",
                "label": "Overall risk",
                "domain": (0, 1),
                "better": "down",
                "values": [0.2, 0.8],
            },
        ],
        ["A", "B"],
        title="t",
    )
    credibility = _xs(svg, "credibility")
    assert credibility["A"] - credibility["B"] > 20  # 100 and 94 do not share a rim
    risk = _xs(svg, "risk_overall")
    assert risk["A"] > risk["B"]  # lower risk is better: further right
    assert "lower is better, axis reversed" in str(svg)


def test_weights_read_in_the_analysts_units():
    typed = dict.fromkeys("abcdef", 1.0)
    assert analyst_weight(1 / 6, "a", typed) == pytest.approx(1.0)
    assert analyst_weight(0.5, "a", typed) == pytest.approx(5.0)  # a half: as much as the rest


def test_compare_page_verdict_matches_the_smaa_table(
    analyst_client, team, django_capture_on_commit_callbacks
):
    services.templates_load()
    with django_capture_on_commit_callbacks(execute=True):
        for slug in ("chips-for-peace", "marshall-plan"):
            analyst_client.post(f"/drafts/templates/{slug}/start/", {"team": team.pk})
    ids = list(Agreement.objects.values_list("pk", flat=True))
    query = "&".join(f"ids={pk}" for pk in ids) + "&credibility=4&risk_overall=2"
    response = analyst_client.get(f"/compare/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    result = response.context["result"]
    firsts = {d["label"]: d["rank_acceptability"][0] for d in result["drafts"]}
    best = max(firsts, key=firsts.get)
    verdict = re.search(r'id="verdict-text">\s*(.*?)\s*</p>', page, re.S).group(1)
    assert verdict.startswith(f"{best} ranks first in {round(100 * firsts[best])}% of weightings")
    table = page[page.index('id="smaa-table"') :]
    row = table[table.index(f">{best}</th>") :].split("</tr>")[0]
    assert re.findall(r">(\d+)%<", row)[0] == str(round(100 * firsts[best]))
    assert "Credibility 4.0" in page and "Overall risk 2.0" in page  # weights as typed
    for draft in Agreement.objects.all():
        assert f'href="{draft.get_absolute_url()}"' in page
    # Risk drawn inverted: the draft with the lower risk sits further right.
    risks = {d["label"]: d["scores"]["risk_overall"]["value"] for d in result["drafts"]}
    xs = _xs(response.context["radar"], "risk_overall")
    low, high = sorted(risks, key=risks.get)
    if risks[low] != risks[high]:
        assert xs[low] > xs[high]


def test_compare_with_from_the_builder_starts_with_this_draft(analyst_client, team, analyst):
    from tests.factories import make_draft

    draft = make_draft(team=team, author=analyst)
    builder = analyst_client.get(f"/drafts/{draft.pk}/").content.decode()
    assert f'href="/compare/?ids={draft.pk}"' in builder
    response = analyst_client.get(f"/compare/?ids={draft.pk}")
    assert response.status_code == 200
    assert "to compare with “Test draft”" in response.content.decode()
