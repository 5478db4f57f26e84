from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        """Score every recorded revision: the one hook through which drafts (a lower
        layer) tell scoring that something happened."""
        from agreements.services import on_revision_recorded
        from scoring.services import score_run_request_for_revision

        on_revision_recorded(score_run_request_for_revision)
