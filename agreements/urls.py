from django.urls import path

from agreements.views import builder, dashboard, exports, history

app_name = "agreements"

urlpatterns = [
    path("new/", dashboard.draft_create, name="create"),
    path("import/", dashboard.draft_import, name="import"),
    path("templates/<slug:slug>/start/", dashboard.template_start, name="template-start"),
    path("<int:pk>/", builder.builder, name="builder"),
    path("<int:pk>/settings/", builder.settings_update, name="settings"),
    path("<int:pk>/fork/", builder.fork, name="fork"),
    path("<int:pk>/catalog-search/", builder.catalog_search, name="catalog-search"),
    path("<int:pk>/<slug:section>/add/", builder.part_add, name="part-add"),
    path("<int:pk>/<slug:section>/<slug:key>/edit/", builder.part_update, name="part-update"),
    path("<int:pk>/<slug:section>/<slug:key>/remove/", builder.part_remove, name="part-remove"),
    path("<int:pk>/phases/<slug:key>/move/<str:direction>/", builder.phase_move, name="phase-move"),
    path("<int:pk>/history/", history.history, name="history"),
    path("<int:pk>/revisions/<int:number>/restore/", history.restore, name="restore"),
    path("<int:pk>/export.json", exports.export_json, name="export-json"),
    path("<int:pk>/scores.csv", exports.export_scores_csv, name="export-csv"),
    path("<int:pk>/briefing/", exports.briefing, name="briefing"),
]
