from accounts.models import Membership, Role, Team
from accounts.selectors import can_edit_team, scope_to_teams, team_list_for_user
from tests.factories import MembershipFactory, TeamFactory


def test_scope_to_teams_keeps_only_the_users_teams(analyst, outsider, team):
    other_team = Membership.objects.get(user=outsider).team
    memberships = scope_to_teams(Membership.objects.all(), user=analyst)
    assert {m.team_id for m in memberships} == {team.id}
    assert other_team not in team_list_for_user(user=analyst)


def test_scope_by_role(analyst, team):
    second = TeamFactory()
    MembershipFactory(team=second, user=analyst, role=Role.VIEWER)
    teams = scope_to_teams(Team.objects.all(), user=analyst, team_field="id")
    assert set(teams) == {team, second}
    writable = scope_to_teams(
        Team.objects.all(), user=analyst, team_field="id", roles=[Role.ANALYST]
    )
    assert list(writable) == [team]


def test_anonymous_user_sees_nothing(db, team):
    from django.contrib.auth.models import AnonymousUser

    assert not scope_to_teams(Team.objects.all(), user=AnonymousUser(), team_field="id").exists()


def test_only_analysts_edit(analyst, viewer, outsider, team):
    assert can_edit_team(user=analyst, team_id=team.id)
    assert not can_edit_team(user=viewer, team_id=team.id)
    assert not can_edit_team(user=outsider, team_id=team.id)
