from django.urls import path
from rest_framework.routers import SimpleRouter

from scoring.api import views

router = SimpleRouter()
router.register("score-runs", views.ScoreRunViewSet, basename="score-run")

urlpatterns = [
    *router.urls,
    path("comparisons/", views.ComparisonView.as_view(), name="comparison"),
    path("analysis/smaa/", views.SmaaView.as_view(), name="analysis-smaa"),
    path("analysis/dominance/", views.DominanceView.as_view(), name="analysis-dominance"),
    path("analysis/coalition/", views.CoalitionView.as_view(), name="analysis-coalition"),
]
