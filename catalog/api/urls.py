from rest_framework.routers import SimpleRouter

from catalog.api import views

router = SimpleRouter()
router.register("items", views.BenefitItemViewSet, basename="catalog-item")
router.register("commitments", views.CommitmentViewSet, basename="catalog-commitment")
router.register("mechanism-types", views.MechanismTypeViewSet, basename="catalog-mechanism-type")
router.register("risk-kinds", views.RiskKindViewSet, basename="catalog-risk-kind")
router.register("actors", views.ActorViewSet, basename="catalog-actor")

urlpatterns = router.urls
