from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_index, name="index"),
    path("items/<slug:slug>/", views.item_detail, name="item-detail"),
    path("reference/", views.reference, name="reference"),
]
