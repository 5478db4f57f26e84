"""Pages about the signed-in user and their teams."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import team_list_for_user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page: the user's teams."""
    teams = team_list_for_user(user=request.user)
    return render(request, "accounts/dashboard.html", {"teams": teams})
