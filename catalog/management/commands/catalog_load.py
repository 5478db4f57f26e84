"""Load the shipped catalog (idempotent); curator edits survive unless --reset."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.services import CatalogDataError, catalog_load


class Command(BaseCommand):
    help = "Load the shipped catalog data. Safe to run again: unchanged entries are left alone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            nargs="*",
            metavar="SLUG",
            help="Overwrite curator edits with the shipped data: all of them, or the given slugs.",
        )

    def handle(self, *args: Any, reset: list[str] | None = None, **options: Any) -> None:
        reset_arg: bool | list[str] = False if reset is None else (reset or True)
        try:
            report = catalog_load(reset=reset_arg)
        except CatalogDataError as exc:
            raise CommandError(
                "shipped catalog data is invalid; nothing was loaded:\n" + str(exc)
            ) from None
        for model, counts in report.counts.items():
            summary = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
            self.stdout.write(f"{model}: {summary}")
        for entry in report.kept:
            self.stdout.write(
                self.style.WARNING(f"kept curator edit of {entry} (use --reset to overwrite)")
            )
        for entry in report.filled:
            self.stdout.write(f"filled values no curator has set yet on {entry}")
