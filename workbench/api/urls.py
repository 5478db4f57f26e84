from django.urls import path
from rest_framework.routers import SimpleRouter

from workbench.api import assistant, documents, part_views, views

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("templates", views.TemplateViewSet, basename="template")

# Import first (the router would read "import" as an id), then the router (its
# "phases/order/" action must win over a phase keyed "order"), then the parts.
urlpatterns = [
    path("agreements/import/", views.AgreementImportView.as_view(), name="agreement-import"),
    path("agreements/<int:pk>/memo/", documents.AgreementMemoView.as_view(), name="agreement-memo"),
    path(
        "agreements/<int:pk>/treaty/",
        documents.AgreementTreatyView.as_view(),
        name="agreement-treaty",
    ),
    *router.urls,
    path(
        "agreements/<int:agreement_pk>/revisions/",
        views.RevisionViewSet.as_view({"get": "list"}),
        name="agreement-revisions",
    ),
    path(
        "agreements/<int:agreement_pk>/revisions/<int:number>/",
        views.RevisionViewSet.as_view({"get": "retrieve"}),
        name="agreement-revision",
    ),
    path(
        "agreements/<int:agreement_pk>/assistant/",
        assistant.AssistantRequestView.as_view(),
        name="agreement-assistant",
    ),
    path(
        "assistant-runs/<str:pk>/",
        assistant.AssistantRunView.as_view(),
        name="assistant-run-detail",
    ),
    path(
        "assistant-runs/<str:pk>/apply/",
        assistant.AssistantApplyView.as_view(),
        name="assistant-run-apply",
    ),
    path(
        "agreements/<int:agreement_pk>/score-runs/",
        views.AgreementScoreRunViewSet.as_view({"get": "list"}),
        name="agreement-score-runs",
    ),
]
for section, viewset in part_views.VIEWSETS.items():
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
