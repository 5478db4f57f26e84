"""The workbench pages: the dashboard, the builder, history, exports, scores, compare."""

from django.urls import path

from workbench.views import builder, compare, dashboard, exports, history, negotiation, scores

app_name = "workbench"

urlpatterns = [
    path("drafts/new/", dashboard.draft_create, name="create"),
    path("drafts/import/", dashboard.draft_import, name="import"),
    path("drafts/templates/<slug:slug>/start/", dashboard.template_start, name="template-start"),
    path("drafts/<int:pk>/", builder.builder, name="builder"),
    path("drafts/<int:pk>/settings/", builder.settings_update, name="settings"),
    path("drafts/<int:pk>/fork/", builder.fork, name="fork"),
    path("drafts/<int:pk>/undo/", builder.undo, name="undo"),
    path("drafts/<int:pk>/catalog-search/", builder.catalog_search, name="catalog-search"),
    path("drafts/<int:pk>/<slug:section>/add/", builder.part_add, name="part-add"),
    path(
        "drafts/<int:pk>/<slug:section>/<slug:key>/edit/", builder.part_update, name="part-update"
    ),
    path(
        "drafts/<int:pk>/<slug:section>/<slug:key>/remove/", builder.part_remove, name="part-remove"
    ),
    path(
        "drafts/<int:pk>/phases/<slug:key>/move/<str:direction>/",
        builder.phase_move,
        name="phase-move",
    ),
    path("drafts/<int:pk>/history/", history.history, name="history"),
    path("drafts/<int:pk>/revisions/<int:number>/restore/", history.restore, name="restore"),
    path("drafts/<int:pk>/export.json", exports.export_json, name="export-json"),
    path("drafts/<int:pk>/scores.csv", exports.export_scores_csv, name="export-csv"),
    path("drafts/<int:pk>/briefing/", exports.briefing, name="briefing"),
    path("drafts/<int:pk>/score/", scores.score_panel, name="score-panel"),
    path("drafts/<int:pk>/negotiation/", negotiation.negotiation, name="negotiation"),
    path("drafts/<int:pk>/score/again/", scores.score_request, name="score-again"),
    path("compare/", compare.compare, name="compare"),
]
