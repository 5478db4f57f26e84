"""Re-queue stuck score runs, design-assistant answers and sensitivity jobs; re-score drafts
scored with old parameters (for cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from scoring.analysis_jobs import analysis_jobs_sweep
from scoring.assistant import assistant_runs_sweep
from scoring.services import score_runs_sweep


class Command(BaseCommand):
    help = "Hand stuck score runs to a worker again; re-score drafts scored with old parameters."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = score_runs_sweep()
        answers = assistant_runs_sweep()
        jobs = analysis_jobs_sweep()
        self.stdout.write(
            f"requeued {counts['requeued']} stuck runs, {answers} design-assistant answers "
            f"and {jobs} sensitivity jobs; re-scoring {counts['rescored']} drafts"
        )
