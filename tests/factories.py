"""factory_boy factories for the models tests need."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from accounts.models import Membership, Role, Team


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANALYST


def draft_document(
    *, title: str = "Test draft", lines: int = 1, purpose: str = "coalition"
) -> dict:
    """A small valid agreement document: the US gives ``lines`` benefits to Japan and Brazil."""
    items = [
        "monetary-aid-governments",
        "datasets",
        "disaster-insurance",
        "education-investment",
        "healthcare-technology",
        "clean-air-technology",
        "physical-infrastructure",
    ]
    recipients = ["jp", "br"]
    return {
        "format": "windfall.agreement/1",
        "title": title,
        "purpose": purpose,
        "scenario": {"dsa": 0.3},
        "parties": [
            {"key": "us", "actor": "us", "role": "provider"},
            {"key": "jp", "actor": "jp", "role": "recipient"},
            {"key": "br", "actor": "br", "role": "recipient"},
            {"key": "cn", "actor": "cn", "role": "excluded"},
        ],
        "phases": [
            {"key": "p1", "order": 1, "name": "Trust building", "reversible": True},
            {"key": "p2", "order": 2, "name": "Full deal", "reversible": False},
        ],
        "lines": [
            {
                "key": f"l{n + 1}",
                "item": items[n % len(items)],
                "recipient": recipients[n % 2],
                "magnitude": 0.5,
                "phase": "p1" if n % 2 == 0 else "p2",
            }
            for n in range(lines)
        ],
        "conditions": [
            {
                "key": "c1",
                "commitment": "domestic-safety-regulation",
                "recipient": "jp",
                "phase": "p1",
            },
            {"key": "c2", "commitment": "non-proliferation", "recipient": "br", "phase": "p2"},
        ],
        "mechanisms": [
            {"key": "m1", "type": "verification_body", "strength": 0.7, "covers": "both"}
        ],
    }


def make_draft(*, team, author, lines: int = 1, title: str = "Test draft"):
    """A stored draft built from :func:`draft_document` (revision 1)."""
    from agreements.services import agreement_import

    return agreement_import(
        team=team, author=author, document=draft_document(title=title, lines=lines)
    )
