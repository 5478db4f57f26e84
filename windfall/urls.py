"""Top-level URLs: pages, the admin, health probes and the versioned API."""

from django.contrib import admin
from django.urls import include, path

from agreements.views.dashboard import dashboard
from core.views import healthz, readyz

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    path("catalog/", include("catalog.urls")),
    path("drafts/", include("agreements.urls")),
    path("", include("scoring.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("windfall.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]

# Errors Django answers itself (no route, a bad request, a crash) are JSON under /api/.
handler400 = "core.api.bad_request"
handler404 = "core.api.page_not_found"
handler500 = "core.api.server_error"
