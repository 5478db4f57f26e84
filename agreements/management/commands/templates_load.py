"""Load the shipped reference templates (idempotent)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agreements.services import templates_load


class Command(BaseCommand):
    help = "Load the reference templates shipped in agreements/data/templates/ (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = templates_load()
        except ValidationError as exc:
            lines = [
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            ]
            raise CommandError(
                "reference templates are invalid; nothing was loaded:\n" + "\n".join(lines)
            ) from None
        self.stdout.write(
            "reference templates: " + ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        )
