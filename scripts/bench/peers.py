"""Peer pages for the benchmark's ratios: what the same stack costs without Windfall's
own code. Served only by the benchmark's gunicorn (``scripts.bench.settings``, which
adds these routes to the app's URLconf); the production settings never route them.

* ``/bench/bare/``: a view behind ``login_required`` that answers two bytes;
* ``/bench/admin/agreements/agreement/``: the Django admin changelist of drafts;
* ``/bench/drf/agreements/``: a plain DRF ``ModelViewSet`` of drafts (page numbers,
  ``fields = "__all__"``), scoped to the user's teams like the real API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework import routers, serializers, viewsets

from agreements.models import Agreement


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


class BenchAdminSite(admin.AdminSite):
    site_header = "Benchmark admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


class AgreementAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "purpose", "status", "version", "updated_at")
    list_filter = ("status", "purpose")
    list_select_related = ("team",)
    search_fields = ("title",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)  # no model permissions in the scratch database

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff)


site = BenchAdminSite(name="benchadmin")
site.register(Agreement, AgreementAdmin)


class PlainAgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = "__all__"


class PlainAgreementViewSet(viewsets.ModelViewSet):
    serializer_class = PlainAgreementSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Agreement]:
        return Agreement.objects.filter(team__memberships__user=self.request.user).order_by(
            "-updated_at", "-id"
        )


router = routers.SimpleRouter()
router.register("agreements", PlainAgreementViewSet, basename="plain-agreement")

urlpatterns = [
    path("bench/bare/", bare),
    path("bench/admin/", site.urls),
    path("bench/drf/", include(router.urls)),
    path("", include("windfall.urls")),
]

handler400 = "core.views.bad_request"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
