"""Helpers shared by the workbench pages: access checks and write handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from accounts.models import Role, Team
from accounts.selectors import WRITE_ROLES, scope_to_teams
from agreements import selectors, services
from agreements.models import Agreement


def draft_for(request: HttpRequest, pk: int, *, write: bool = False) -> Agreement:
    """The draft if it is one of the user's teams' (404 otherwise), read with the user's
    role in its team (one query; see :func:`user_can_edit`); writes need an analyst."""
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk, with_role=True)
    if write and not user_can_edit(agreement):
        raise PermissionDenied(
            "Viewers cannot change drafts; ask a team analyst for the analyst role."
        )
    return agreement


def user_can_edit(agreement: Agreement) -> bool:
    """Whether the user a draft was read for (by :func:`draft_for`) may change it."""
    if "user_role" not in agreement.__dict__:
        raise TypeError("read the draft with draft_for(), which reads the user's role")
    return agreement.__dict__["user_role"] in WRITE_ROLES


def writable_teams(user: Any) -> Any:
    return scope_to_teams(Team.objects.all(), user=user, team_field="id", roles=[Role.ANALYST])


class WriteOutcome:
    """What happened to a write: saved, refused as stale, or invalid."""

    def __init__(self) -> None:
        self.revision: Any = None
        self.stale: services.StaleVersion | None = None
        self.error: ValidationError | None = None

    @property
    def ok(self) -> bool:
        return self.revision is not None


def attempt(request: HttpRequest, call: Callable[[], Any]) -> WriteOutcome:
    """Run a service call; a stale version or invalid input is recorded, not raised."""
    outcome = WriteOutcome()
    try:
        outcome.revision = call()
    except services.StaleVersion as exc:
        outcome.stale = exc
        messages.error(request, f"Your change was not saved. {exc}")
    except ValidationError as exc:
        outcome.error = exc
    return outcome
