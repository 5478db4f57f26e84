"""Pages name parties, phases, benefits and mechanisms by what they are, never by key.

Internal keys (``party2``, ``p1``, ``l10``) mean nothing to a reader; these tests read the
text a person sees (and hears: labels for screen readers) on each page and look for them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agreements import services
from agreements.models import Agreement

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
KEY_PATTERNS = (re.compile(r"party\d+"), re.compile(r"\bp\d+\b"), re.compile(r"\bl\d+\b"))
SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}


class _VisibleText(HTMLParser):
    """Text nodes outside scripts and styles, plus the attributes people see or hear."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in SPOKEN_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def key_leaks(html: str) -> list[str]:
    text = visible_text(html)
    return [m.group(0) for pattern in KEY_PATTERNS for m in pattern.finditer(text)]


def _start(client, team, slug: str) -> Agreement:
    client.post(f"/drafts/templates/{slug}/start/", {"team": team.pk})
    return Agreement.objects.filter(template_slug=slug).latest("pk")


@pytest.fixture
def chips(analyst_client, team, django_capture_on_commit_callbacks):
    """The Chips template after edits of a benefit, a phase, a party and a mechanism."""
    services.templates_load()
    with django_capture_on_commit_callbacks(execute=True):
        draft = _start(analyst_client, team, "chips-for-peace")
        document = draft.revisions.get(number=1).document
        phases = [p["key"] for p in document["phases"]]
        line = next(row for row in document["lines"] if row["key"] == "l10")
        stated = {k: line[k] for k in ("amount", "unit", "duration_months") if line.get(k)}
        edits = [
            ("lines/l10/edit/", {"magnitude": 0.35, "phase": phases[-1], **stated}),
            (f"phases/{phases[0]}/edit/", {"name": "Trust first", "reversible": "on"}),
            ("mechanisms/m1/remove/", {}),
        ]
        for path, data in edits:
            draft.refresh_from_db()
            analyst_client.post(
                f"/drafts/{draft.pk}/{path}", {"version": draft.version, **data}, **HTMX
            )
    draft.refresh_from_db()
    assert draft.version == 4
    return draft


def test_the_builder_history_and_briefing_name_parts_by_what_they_are(analyst_client, chips):
    pages = {
        "builder": analyst_client.get(f"/drafts/{chips.pk}/"),
        "history": analyst_client.get(f"/drafts/{chips.pk}/history/?from=1&to=4"),
        "briefing": analyst_client.get(f"/drafts/{chips.pk}/briefing/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert key_leaks(response.content.decode()) == [], name
    history = visible_text(pages["history"].content.decode())
    assert "Changed magnitude, phase of benefit “" in history
    assert "Removed mechanism “" in history
    assert "Trust first" in history


def test_a_refused_stale_edit_names_the_part_and_the_phase(analyst_client, chips):
    document = chips.revisions.get(number=4).document
    last_phase = document["phases"][-1]
    response = analyst_client.post(
        f"/drafts/{chips.pk}/lines/l10/edit/",
        {"version": 1, "magnitude": 0.4, "phase": last_phase["key"]},
        **HTMX,
    )
    page = visible_text(response.content.decode())
    assert "Your change was not saved" in page
    assert f"phase {last_phase['name']}" in page
    assert key_leaks(response.content.decode()) == []


def test_an_invalid_edit_names_the_benefit(analyst_client, chips):
    response = analyst_client.post(
        f"/drafts/{chips.pk}/lines/l10/edit/", {"version": chips.version, "magnitude": 7}, **HTMX
    )
    page = visible_text(response.content.decode())
    assert re.search(r"Benefit “[^”]+ for [^”]+” not saved", page)
    assert key_leaks(response.content.decode()) == []


def test_compare_of_unrelated_drafts_says_what_differs_by_content(
    analyst_client, team, django_capture_on_commit_callbacks
):
    services.templates_load()
    with django_capture_on_commit_callbacks(execute=True):
        chips = _start(analyst_client, team, "chips-for-peace")
        atoms = _start(analyst_client, team, "atoms-for-peace")
    response = analyst_client.get(f"/compare/?ids={chips.pk}&ids={atoms.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert key_leaks(html) == []
    differences = html[html.index('id="differences"') :]
    atoms_items = {line["item"] for line in atoms.revisions.get().document["lines"]}
    chips_items = {line["item"] for line in chips.revisions.get().document["lines"]}
    assert atoms_items - chips_items  # the drafts differ in what they share
    assert "Added:" in differences and "Removed:" in differences


def test_demo_accounts_have_names_people_are_greeted_by(client, settings):
    settings.DEBUG = True
    with open("/dev/null", "w") as quiet:
        call_command("demo_setup", stdout=quiet)
    users = get_user_model().objects.filter(username__in=["demo", "curator"])
    assert {u.get_full_name() for u in users} and all(
        u.first_name and u.first_name != "Demo" for u in users
    )
    client.force_login(users.get(username="curator"))
    admin = visible_text(client.get("/admin/").content.decode())
    assert "Welcome," in admin
    assert "Demo" not in admin.split("Welcome,")[1][:40]
