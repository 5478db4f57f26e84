from django.urls import path

from accounts.api import TeamListView

urlpatterns = [path("", TeamListView.as_view(), name="team-list")]
