from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self) -> None:
        post_migrate.connect(_sync_curators, dispatch_uid="accounts-sync-curators")


def _sync_curators(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Grant the curator group the permissions of a curated app once they exist."""
    from accounts.services import CURATED_APPS, curator_group_sync

    if sender.label in CURATED_APPS:
        curator_group_sync(using=using)
