"""The scenarios page: add, change and delete a team's named scenarios through a form, with
errors for bad input (nothing stored then), scoped to the user's teams."""

from __future__ import annotations

import pytest

from scoring.models import Scenario
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _form(team=None, **fields) -> dict[str, str]:
    data = {"name": "Race", "description": "", "dsa": "0.9", "omega": ""}
    if team is not None:
        data["team"] = str(team.pk)
    data.update({k: str(v) for k, v in fields.items()})
    return data


def test_an_analyst_adds_a_scenario_with_shifts(analyst_client, team, catalog):
    page = analyst_client.get("/scenarios/")
    assert page.status_code == 200 and 'id="scenario-form"' in page.content.decode()
    data = _form(
        team,
        trust_party_0="cn",
        trust_shift_0="-0.3",
        trust_party_1="eu",
        trust_shift_1="0.1",
        capability_party_0="cn",
        capability_shift_0="0.2",
    )
    response = analyst_client.post("/scenarios/", data, follow=True)
    assert response.status_code == 200
    scenario = Scenario.objects.get(team=team)
    assert (scenario.name, scenario.dsa, scenario.omega) == ("Race", 0.9, None)
    assert scenario.trust_shifts == {"cn": -0.3, "eu": 0.1}
    assert scenario.capability_shifts == {"cn": 0.2}
    html = response.content.decode()
    assert "Race" in html and "added" in html and 'id="scenario-list"' in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"dsa": "1.5"}, "less than or equal to 1"),
        ({"omega": "-0.1"}, "greater than or equal to 0"),
        ({"trust_party_0": "atlantis", "trust_shift_0": "0.1"}, "Unknown party"),
        ({"trust_party_0": "cn", "trust_shift_0": "2"}, "less than or equal to 1"),
        ({"capability_party_0": "cn"}, "Give the shift"),
        ({"capability_shift_0": "0.2"}, "Choose the party"),
        (
            {
                "trust_party_0": "cn",
                "trust_shift_0": "0.1",
                "trust_party_1": "cn",
                "trust_shift_1": "0.2",
            },
            "already has a shift",
        ),
        ({"dsa": "lots"}, "Enter a number."),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(analyst_client, team, catalog, fields, message):
    response = analyst_client.post("/scenarios/", _form(team, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Scenario.objects.exists()


def test_a_name_is_unique_within_a_team(analyst_client, team, catalog):
    Scenario.objects.create(team=team, name="Race")
    response = analyst_client.post("/scenarios/", _form(team))
    assert response.status_code == 400 and "already has one" in response.content.decode()
    assert Scenario.objects.count() == 1


def test_a_scenario_cannot_be_added_to_a_team_one_does_not_analyse(analyst_client, catalog):
    elsewhere = TeamFactory()
    response = analyst_client.post("/scenarios/", _form(elsewhere))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Scenario.objects.exists()


def test_an_analyst_changes_and_deletes_a_scenario(analyst_client, team, catalog):
    scenario = Scenario.objects.create(team=team, name="Race", dsa=0.9, trust_shifts={"cn": -0.2})
    page = analyst_client.get(f"/scenarios/{scenario.pk}/").content.decode()
    assert 'value="Race"' in page and '<option value="cn" selected>' in page
    changed = analyst_client.post(
        f"/scenarios/{scenario.pk}/",
        _form(name="Arms race", dsa="0.95", trust_party_0="cn", trust_shift_0="-0.4"),
    )
    assert changed.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.name, scenario.dsa, scenario.trust_shifts) == ("Arms race", 0.95, {"cn": -0.4})
    bad = analyst_client.post(f"/scenarios/{scenario.pk}/", _form(name="Arms race", dsa="7"))
    assert bad.status_code == 400
    scenario.refresh_from_db()
    assert scenario.dsa == 0.95, "nothing stored on error"
    assert analyst_client.post(f"/scenarios/{scenario.pk}/delete/").status_code == 302
    assert not Scenario.objects.exists()


def test_other_teams_scenarios_are_not_found(analyst_client, catalog):
    theirs = Scenario.objects.create(team=TeamFactory(), name="Theirs", dsa=0.5)
    assert analyst_client.get(f"/scenarios/{theirs.pk}/").status_code == 404
    assert analyst_client.post(f"/scenarios/{theirs.pk}/", _form()).status_code == 404
    assert analyst_client.post(f"/scenarios/{theirs.pk}/delete/").status_code == 404
    assert "Theirs" not in analyst_client.get("/scenarios/").content.decode()
    theirs.refresh_from_db()
    assert theirs.dsa == 0.5


def test_a_viewer_reads_but_cannot_change(client, viewer, team, catalog):
    scenario = Scenario.objects.create(team=team, name="Calm", dsa=0.1)
    client.force_login(viewer)
    listing = client.get("/scenarios/").content.decode()
    assert "Calm" in listing and 'id="scenario-form"' not in listing
    assert client.get(f"/scenarios/{scenario.pk}/").status_code == 200
    assert client.post(f"/scenarios/{scenario.pk}/", _form(name="Mine")).status_code == 403
    assert client.post(f"/scenarios/{scenario.pk}/delete/").status_code == 403
    assert client.post("/scenarios/", _form(team)).status_code == 403
    assert Scenario.objects.get().name == "Calm"


def test_the_list_costs_a_constant_number_of_queries(
    analyst_client, team, catalog, django_assert_max_num_queries
):
    for n in range(5):
        Scenario.objects.create(team=team, name=f"S{n}", trust_shifts={"cn": 0.1})
    with django_assert_max_num_queries(8):
        assert analyst_client.get("/scenarios/").status_code == 200


def test_a_scenario_made_on_the_page_is_offered_on_the_compare_page(
    analyst_client, team, catalog, analyst
):
    from agreements import services as agreement_services
    from tests.factories import make_draft

    draft = make_draft(team=team, author=analyst)
    fork = agreement_services.agreement_fork(agreement=draft, author=analyst, title="Fork")
    analyst_client.post("/scenarios/", _form(team, trust_party_0="cn", trust_shift_0="-0.3"))
    html = analyst_client.get(
        f"/compare/scenarios/?ids={draft.pk}&ids={fork.pk}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="scenario-matrix"' in html and "Race" in html
