from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("drafts/<int:pk>/score/", views.score_panel, name="panel"),
    path("drafts/<int:pk>/score/again/", views.score_request, name="request"),
    path("compare/", views.compare, name="compare"),
]
