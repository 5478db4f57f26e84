from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "Core"


class WindfallAdminConfig(admin_apps.AdminConfig):
    """The Django admin, restricted to curators (see ``core.admin_site``)."""

    default = False
    default_site = "core.admin_site.CuratorAdminSite"
