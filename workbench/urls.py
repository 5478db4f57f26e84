"""The workbench pages: the dashboard, the builder, history, exports, scores, compare."""

from django.urls import path

from workbench.views import (
    assistant,
    builder,
    compare,
    dashboard,
    documents,
    exports,
    history,
    negotiation,
    scenarios,
    scores,
    sensitivity,
)

app_name = "workbench"

urlpatterns = [
    path("drafts/new/", dashboard.draft_create, name="create"),
    path("drafts/import/", dashboard.draft_import, name="import"),
    path("drafts/templates/<slug:slug>/start/", dashboard.template_start, name="template-start"),
    path("drafts/<int:pk>/", builder.builder, name="builder"),
    path("drafts/<int:pk>/delete/", dashboard.draft_delete, name="delete"),
    path("drafts/<int:pk>/archive/", dashboard.draft_archive, name="archive"),
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
    path("drafts/<int:pk>/memo/", documents.memo, name="memo"),
    path("drafts/<int:pk>/memo.pdf", documents.memo_pdf, name="memo-pdf"),
    path("drafts/<int:pk>/memo.docx", documents.memo_docx, name="memo-docx"),
    path("drafts/<int:pk>/treaty/", documents.treaty, name="treaty"),
    path("drafts/<int:pk>/treaty.pdf", documents.treaty_pdf, name="treaty-pdf"),
    path("drafts/<int:pk>/treaty.docx", documents.treaty_docx, name="treaty-docx"),
    path("drafts/<int:pk>/score/", scores.score_panel, name="score-panel"),
    path("drafts/<int:pk>/score/analysis/", scores.score_analysis, name="score-analysis"),
    path("drafts/<int:pk>/negotiation/", negotiation.negotiation, name="negotiation"),
    path("drafts/<int:pk>/assistant/", assistant.assistant, name="assistant"),
    path(
        "drafts/<int:pk>/assistant/<str:run_id>/",
        assistant.assistant_run,
        name="assistant-run",
    ),
    path(
        "drafts/<int:pk>/assistant/<str:run_id>/apply/",
        assistant.assistant_apply,
        name="assistant-apply",
    ),
    path("drafts/<int:pk>/score/again/", scores.score_request, name="score-again"),
    path("compare/", compare.compare, name="compare"),
    path("drafts/<int:pk>/sensitivity/", sensitivity.sensitivity, name="sensitivity"),
    path("compare/weights/", sensitivity.compare_weights, name="compare-weights"),
    path("compare/weights/ahp/", sensitivity.compare_ahp, name="compare-ahp"),
    path("compare/dsa/", sensitivity.compare_dsa, name="compare-dsa"),
    path("compare/scenarios/", sensitivity.compare_scenarios, name="compare-scenarios"),
    path("scenarios/", scenarios.scenario_list, name="scenarios"),
    path("scenarios/<int:pk>/", scenarios.scenario_edit, name="scenario-edit"),
    path("scenarios/<int:pk>/delete/", scenarios.scenario_delete, name="scenario-delete"),
]
