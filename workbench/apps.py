from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    """The analyst's workbench: every page, and the drafts API, over drafts and their
    scores. The top layer: it may use scoring, agreements, catalog, accounts and core;
    none of them uses it (docs/architecture.md)."""

    name = "workbench"
    verbose_name = "Workbench"
