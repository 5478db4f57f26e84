"""The admin site: only curators (and superusers) may enter."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest


def is_curator(user: object) -> bool:
    """Whether ``user`` may curate the catalog (superuser or in the curator group)."""
    if not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    groups = getattr(user, "groups", None)
    return bool(groups is not None and groups.filter(name=settings.WINDFALL_CURATOR_GROUP).exists())


class CuratorAdminSite(admin.AdminSite):
    site_header = "Windfall curation"
    site_title = "Windfall curation"
    index_title = "Catalog curation"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and is_curator(user))
