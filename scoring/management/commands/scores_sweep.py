"""Re-queue stuck score runs and re-score drafts scored with old parameters (for cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from scoring.assistant import assistant_runs_sweep
from scoring.services import score_runs_sweep


class Command(BaseCommand):
    help = "Hand stuck score runs to a worker again; re-score drafts scored with old parameters."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = score_runs_sweep()
        answers = assistant_runs_sweep()
        self.stdout.write(
            f"requeued {counts['requeued']} stuck runs and {answers} design-assistant answers; "
            f"re-scoring {counts['rescored']} drafts"
        )
