from django.urls import path
from rest_framework.routers import SimpleRouter

from agreements.api import views
from agreements.document import SECTIONS

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("templates", views.TemplateViewSet, basename="template")

urlpatterns = [
    path("agreements/import/", views.AgreementImportView.as_view(), name="agreement-import")
]
for section in SECTIONS:
    viewset = views.part_viewset(section)
    urlpatterns += [
        path(
            f"agreements/<int:agreement_pk>/{section}/",
            viewset.as_view({"get": "list", "post": "create"}),
            name=f"agreement-{section}-list",
        ),
        path(
            f"agreements/<int:agreement_pk>/{section}/<slug:key>/",
            viewset.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
            name=f"agreement-{section}-detail",
        ),
    ]
urlpatterns += router.urls
