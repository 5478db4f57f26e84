from django.urls import path
from rest_framework.routers import SimpleRouter

from scoring.api import sensitivity_views, views

router = SimpleRouter()
router.register("score-runs", views.ScoreRunViewSet, basename="score-run")
router.register("scenarios", sensitivity_views.ScenarioViewSet, basename="scenario")
router.register(
    "weight-profiles", sensitivity_views.WeightProfileViewSet, basename="weight-profile"
)

urlpatterns = [
    *router.urls,
    path("comparisons/", views.ComparisonView.as_view(), name="comparison"),
    path(
        "comparisons/dsa-ranking/",
        sensitivity_views.DsaRankingView.as_view(),
        name="comparison-dsa-ranking",
    ),
    path(
        "comparisons/scenarios/",
        sensitivity_views.ScenarioComparisonView.as_view(),
        name="comparison-scenarios",
    ),
    path("agreements/<int:id>/sweep/", sensitivity_views.SweepView.as_view(), name="sweep"),
    path(
        "agreements/<int:id>/variance/", sensitivity_views.VarianceView.as_view(), name="variance"
    ),
    path(
        "analysis-jobs/<int:pk>/",
        sensitivity_views.AnalysisJobView.as_view(),
        name="analysis-job-detail",
    ),
    path(
        "weight-elicitation/",
        sensitivity_views.WeightElicitationView.as_view(),
        name="weight-elicitation",
    ),
    path("analysis/smaa/", views.SmaaView.as_view(), name="analysis-smaa"),
    path("analysis/dominance/", views.DominanceView.as_view(), name="analysis-dominance"),
    path("analysis/coalition/", views.CoalitionView.as_view(), name="analysis-coalition"),
]
