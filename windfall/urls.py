"""Top-level URLs: pages, the admin, health probes and the versioned API."""

from django.contrib import admin
from django.urls import include, path

from core.views import healthz, readyz
from workbench.views.dashboard import dashboard

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("", include("workbench.urls")),
    path("accounts/", include("accounts.urls")),
    path("catalog/", include("catalog.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("windfall.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]

# Errors Django answers itself (no route, a bad request, a crash) are JSON under /api/.
handler400 = "core.views.bad_request"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
