"""Reads of drafts, always scoped to the user's teams (another team's draft is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404

from accounts.models import Membership
from accounts.selectors import scope_to_teams
from agreements.diff import party_names
from agreements.models import Agreement, ReferenceTemplate, Revision
from agreements.shape import UNSTATED_PARTY_VALUES
from agreements.wording import levers_summary
from catalog.models import Actor, BenefitItem, Commitment, MechanismType
from core.pagination import ORDERING

PROFILE_FIELDS = ("alignment", "trust", "capability", "security", *UNSTATED_PARTY_VALUES)
"""Party fields a draft may leave to the actor profile."""


def team_ids_for_user(*, user: Any) -> list[int]:
    """Ids of the teams ``user`` belongs to (one query; none for an anonymous user).

    Lists filter on these concrete ids (``team_id = 1`` or ``IN (1, 2)``) rather than on a
    subquery, which keeps PostgreSQL on the ``(team, updated_at)`` indexes.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    memberships = Membership.objects.filter(user=user).order_by("team_id")
    return list(memberships.values_list("team_id", flat=True))


def team_roles_for_user(*, user: Any) -> dict[int, str]:
    """The user's role in each of their teams, by team id (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    memberships = Membership.objects.filter(user=user).order_by("team_id")
    return dict(memberships.values_list("team_id", "role"))


def agreement_deletion_summary(*, agreement: Agreement) -> dict[str, int]:
    """What deleting ``agreement`` removes (its revisions, score runs and design-assistant
    answers) and how many other drafts were forked from it (they stay, unlinked)."""
    return {
        "revisions": agreement.revisions.count(),
        "score_runs": agreement.score_runs.count(),
        "assistant_runs": agreement.assistant_runs.count(),
        "forks": Agreement.objects.filter(forked_from__agreement=agreement)
        .exclude(pk=agreement.pk)
        .count(),
    }


def agreement_list_for_user(*, user: Any, team_ids: list[int] | None = None) -> QuerySet[Agreement]:
    """Drafts of the user's teams, newest first (``team_ids``: already read for ``user``)."""
    ids = team_ids_for_user(user=user) if team_ids is None else team_ids
    return (
        Agreement.objects.filter(team_id__in=ids)
        .select_related("team", "updated_by")
        .order_by(*ORDERING)
    )


def agreement_get_for_user(*, user: Any, pk: int, with_role: bool = False) -> Agreement:
    """The draft if it belongs to one of the user's teams; 404 otherwise.

    Whether the user may change it is the caller's check (``can_edit_team``, or with
    ``with_role`` the ``user_role`` the draft is read with, in the same query): a viewer
    of the team gets a 403, since the draft's existence is no secret to them.
    """
    queryset = scope_to_teams(Agreement.objects.all(), user=user)
    if with_role:
        role = Membership.objects.filter(user=user, team_id=OuterRef("team_id")).values("role")
        queryset = queryset.annotate(user_role=Subquery(role[:1]))
    agreement = queryset.select_related("team").filter(pk=pk).first()
    if agreement is None:
        raise Http404("No such draft.")
    return agreement


def fork_source(agreement: Agreement) -> dict[str, Any] | None:
    """The draft and revision a forked draft copies: ``agreement`` (its id), ``title`` and
    ``number`` (one query; none for a draft that is not a fork)."""
    if agreement.forked_from_id is None:
        return None
    source = (
        Revision.objects.filter(pk=agreement.forked_from_id)
        .values("agreement", "number", title=F("agreement__title"))
        .first()
    )
    return None if source is None else dict(source)


def revision_list(*, agreement: Agreement) -> QuerySet[Revision]:
    return Revision.objects.filter(agreement=agreement).select_related("author").defer("document")


def revision_get(*, agreement: Agreement, number: int) -> Revision:
    revision = (
        Revision.objects.filter(agreement=agreement, number=number).select_related("author").first()
    )
    if revision is None:
        raise Http404("No such revision.")
    return revision


def revision_latest(*, agreement: Agreement) -> Revision:
    return revision_get(agreement=agreement, number=agreement.version)


def template_list() -> QuerySet[ReferenceTemplate]:
    return ReferenceTemplate.objects.all()


def template_get(*, slug: str) -> ReferenceTemplate:
    template = ReferenceTemplate.objects.filter(slug=slug).first()
    if template is None:
        raise Http404("No such template.")
    return template


def document_for_display(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with display names and labels, for pages (four queries).

    Adds ``display`` to every party, ``item_name``/``item_label``/``levers_apply`` to
    lines, ``commitment_name`` and default burden/verifiability to conditions,
    ``type_name`` to mechanisms, and ``recipient_name``/``phase_name`` where useful. One
    query per kind of catalog entry reads its names with what else the page shows.
    """
    shown = _json_copy(document)
    items = {
        i.slug: i
        for i in BenefitItem.objects.filter(
            slug__in={line["item"] for line in document["lines"]}
        ).only("slug", "name", "label", "levers_apply", "cluster")
    }
    commitments = {
        c.slug: c
        for c in Commitment.objects.filter(
            slug__in={c["commitment"] for c in document["conditions"]}
        ).only("slug", "name", "burden", "verifiability", "restraint")
    }
    actors = {
        a.slug: a
        for a in Actor.objects.filter(
            slug__in={p["actor"] for p in document["parties"] if p["actor"]}
        )
    }
    names: dict[str, str] = dict(
        MechanismType.objects.filter(
            slug__in={m["type"] for m in document["mechanisms"]}
        ).values_list("slug", "name")
    )
    for entries in (items, commitments, actors):
        names.update((slug, entry.name) for slug, entry in entries.items())
    parties = party_names(document, names)
    phases = {p["key"]: p["name"] for p in document.get("phases", [])}
    for party in shown["parties"]:
        party["display"] = parties[party["key"]]
        party["actor_name"] = names.get(party["actor"] or "", "")
        profile = actors.get(party["actor"] or "")
        party["effective"] = {
            name: party[name]
            if party[name] is not None
            else getattr(profile, name, UNSTATED_PARTY_VALUES.get(name))
            for name in PROFILE_FIELDS
        }
    for line in shown["lines"]:
        item = items.get(line["item"])
        line["item_name"] = names.get(line["item"], line["item"])
        line["item_label"] = item.label if item else ""
        line["item_label_display"] = item.get_label_display() if item else ""
        line["levers_apply"] = bool(item and item.levers_apply)
        line["recipient_name"] = parties.get(line["recipient"], line["recipient"])
        line["phase_name"] = phases.get(line["phase"] or "", "")
        line["levers_text"] = levers_summary(line["levers"])
    for condition in shown["conditions"]:
        commitment = commitments.get(condition["commitment"])
        condition["commitment_name"] = names.get(condition["commitment"], condition["commitment"])
        condition["default_burden"] = commitment.burden if commitment else None
        condition["default_verifiability"] = commitment.verifiability if commitment else None
        condition["restraint"] = bool(commitment and commitment.restraint)
        condition["recipient_name"] = parties.get(condition["recipient"], condition["recipient"])
        condition["phase_name"] = phases.get(condition["phase"] or "", "")
    for mechanism in shown["mechanisms"]:
        mechanism["type_name"] = names.get(mechanism["type"], mechanism["type"])
        mechanism["phase_name"] = phases.get(mechanism.get("phase") or "", "")
    shown["party_names"] = parties
    return shown


def _json_copy(value: Any) -> Any:
    """A copy of a JSON document (dicts, lists and scalars): ``copy.deepcopy`` without its
    memo, several times faster on a draft of 60 lines."""
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_copy(item) for item in value]
    return value
