"""The versioned REST API (``/api/v1/``) with its OpenAPI schema and offline docs."""

from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# The offline API docs bring their own scripts and inline styles: a looser policy for
# those two pages only (the site-wide policy allows no inline code at all).
DOCS_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
REDOC_CSP: dict[str, list[str]] = {**DOCS_CSP, "script-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

app_name = "api"

urlpatterns = [
    path("catalog/", include("catalog.api.urls")),
    path("", include("workbench.api.urls")),
    path("", include("scoring.api.urls")),
    path("teams/", include("accounts.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path(
        "redoc/",
        csp_override(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
]
