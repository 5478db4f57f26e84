"""Reads about teams, and the one helper that scopes team data to a user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from accounts.models import Membership, Role, Team

WRITE_ROLES: tuple[str, ...] = (Role.ANALYST,)


def team_list_for_user(*, user: Any) -> QuerySet[Team]:
    """Teams ``user`` belongs to, in name order."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user).distinct()


def membership_list_for_user(*, user: Any) -> QuerySet[Membership]:
    """The user's memberships with their teams (none for an anonymous user)."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("team")


def scope_to_teams[M: Model](
    queryset: QuerySet[M],
    *,
    user: Any,
    team_field: str = "team",
    roles: Iterable[str] | None = None,
) -> QuerySet[M]:
    """Restrict ``queryset`` to rows whose ``team_field`` is one of ``user``'s teams.

    Every read of team data goes through this, so no view can forget the scope.
    ``roles`` narrows to teams where the user holds one of those roles.
    """
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return queryset.filter(**{f"{team_field}__in": memberships.values("team_id")})


def membership_role(*, user: Any, team_id: int) -> str | None:
    """The role ``user`` holds in the team, or ``None``."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, team_id=team_id).values_list("role", flat=True).first()
    )


def can_edit_team(*, user: Any, team_id: int) -> bool:
    """Whether ``user`` may change the team's drafts (analysts only)."""
    return membership_role(user=user, team_id=team_id) in WRITE_ROLES
