from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        """Listen to the lower layers, the one way they tell scoring that something
        happened: score every recorded revision; when catalog entries change, store the
        values derived from them and re-score the drafts that use them."""
        from agreements.services import on_revision_recorded
        from catalog.services import catalog_on_entries_changed
        from scoring import tasks  # noqa: F401  (registers the tasks queue.py sends by name)
        from scoring.catalog_values import catalog_values_refresh
        from scoring.services import score_run_request_for_revision, scores_refresh_for_entries

        on_revision_recorded(score_run_request_for_revision)
        catalog_on_entries_changed(catalog_values_refresh)
        catalog_on_entries_changed(scores_refresh_for_entries)
