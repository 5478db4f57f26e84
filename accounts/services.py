"""Writes about teams, memberships and the curator group."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Membership, Role, Team

CURATED_APPS: tuple[str, ...] = ("catalog",)


@transaction.atomic
def team_create(*, name: str, slug: str | None = None) -> Team:
    """Create a team with a unique slug derived from its name."""
    base = slug or slugify(name) or "team"
    candidate, suffix = base, 2
    while Team.objects.filter(slug=candidate).exists():
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return Team.objects.create(name=name, slug=candidate)


def membership_set(*, team: Team, user: Any, role: str = Role.ANALYST) -> Membership:
    """Give ``user`` ``role`` in ``team`` (creating or updating the membership)."""
    membership, _ = Membership.objects.update_or_create(
        team=team, user=user, defaults={"role": Role(role)}
    )
    return membership


def curator_group_sync(*, using: str = "default") -> Group:
    """Create the curator group and grant it every permission of the curated apps."""
    group, _ = Group.objects.using(using).get_or_create(name=settings.WINDFALL_CURATOR_GROUP)
    permissions = Permission.objects.using(using).filter(content_type__app_label__in=CURATED_APPS)
    group.permissions.add(*permissions)
    return group


def curator_grant(*, user: Any) -> None:
    """Make ``user`` a curator: staff (to reach the admin) and in the curator group."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(curator_group_sync())


@transaction.atomic
def demo_account_ensure(*, username: str, password: str) -> Any:
    """Create (or reset) the demo analyst, with a team of its own."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        username=username, defaults={"first_name": "Demo", "last_name": "Analyst"}
    )
    user.set_password(password)
    user.is_active = True
    user.save()
    team = Team.objects.filter(slug="demo-team").first() or team_create(
        name="Demo team", slug="demo-team"
    )
    membership_set(team=team, user=user, role=Role.ANALYST)
    return user
