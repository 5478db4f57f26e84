"""Create the demo analyst and curator accounts and print their credentials."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import curator_grant, demo_account_ensure

DEMO_PASSWORD = "windfall-demo"  # noqa: S105 - local demo only; refused when DEBUG is off
DISPLAY_NAMES = {"analyst": ("Amara", "Osei"), "curator": ("Léa", "Martin")}
"""Names the pages greet the demo accounts by (a person's name, not "Demo")."""


class Command(BaseCommand):
    help = "Create (or reset) the demo analyst and curator accounts; local use only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("demo_setup creates known passwords; it runs only with DEBUG on.")
        analyst = demo_account_ensure(
            username=settings.WINDFALL_DEMO_USERNAME, password=DEMO_PASSWORD
        )
        curator = demo_account_ensure(username="curator", password=DEMO_PASSWORD)
        curator_grant(user=curator)
        for user, role in ((analyst, "analyst"), (curator, "curator")):
            user.first_name, user.last_name = DISPLAY_NAMES[role]
            user.save(update_fields=["first_name", "last_name"])
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo accounts (local use only):\n"
                f"  analyst  username: {analyst.username}   password: {DEMO_PASSWORD}\n"
                f"  curator  username: {curator.username}   password: {DEMO_PASSWORD}"
                "   (also signs in to /admin/)\n"
            )
        )
