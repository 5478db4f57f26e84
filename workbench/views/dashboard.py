"""The dashboard: my team's drafts, starting a draft (blank, template, import)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import membership_list_for_user
from agreements import selectors, services
from agreements.choices import Purpose, Status
from catalog.choices import PowerLabel
from scoring.selectors import score_runs_by_id
from workbench.filters import AgreementFilterSet
from workbench.forms import DraftCreateForm, ImportForm, TemplateStartForm, attach_errors
from workbench.selectors import draft_list_for_user
from workbench.views.common import writable_teams

PAGE_SIZE = 25


def _filter_params(request: HttpRequest) -> QueryDict:
    """The form's filters without its empty choices ("any"); the dashboard hides archived
    drafts unless the analyst asks for them."""
    params = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        kept = [v for v in values if v not in ("", "any")]
        if kept and name != "page":
            params.setlist(name, kept)
    if request.GET.get("archived") != "any":
        params.setdefault("archived", "false")
    return params


def _dashboard_context(request: HttpRequest, **forms: object) -> dict[str, object]:
    teams = writable_teams(request.user)
    filters = AgreementFilterSet(
        _filter_params(request), queryset=draft_list_for_user(user=request.user)
    )
    queryset = filters.qs if filters.is_valid() else filters.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    agreements = list(page.object_list)
    scores = score_runs_by_id([a.latest_score_id for a in agreements])
    for agreement in agreements:
        agreement.latest_score = scores.get(agreement.latest_score_id)
    kept = request.GET.copy()
    kept.pop("page", None)
    return {
        "agreements": agreements,
        "page": page,
        "filters": filters,
        "filtering": any(v for k, v in _filter_params(request).items() if k != "archived"),
        "query_string": kept.urlencode(),
        "filter_selects": [
            {
                "name": name,
                "label": label,
                "options": [(v, text, v in request.GET.getlist(name)) for v, text in choices],
            }
            for name, label, choices in (
                ("status", "Status", Status.choices),
                ("purpose", "Purpose", Purpose.choices),
                ("label", "Label", PowerLabel.choices),
            )
        ],
        "templates": selectors.template_list(),
        "create_form": forms.get("create_form") or DraftCreateForm(teams=teams),
        "teams": list(teams),
        "memberships": membership_list_for_user(user=request.user),
        "import_form": forms.get("import_form") or ImportForm(teams=teams),
        "can_write": teams.exists(),
    }


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "agreements/dashboard.html", _dashboard_context(request))


@require_POST
@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    form = DraftCreateForm(request.POST, teams=writable_teams(request.user))
    if form.is_valid():
        agreement = services.agreement_create(
            team=form.cleaned_data["team"],
            author=request.user,
            title=form.cleaned_data["title"],
            purpose=form.cleaned_data["purpose"],
        )
        messages.success(request, f"Started “{agreement.title}”. Add parties, then benefits.")
        return redirect(agreement)
    return render(
        request,
        "agreements/dashboard.html",
        _dashboard_context(request, create_form=form),
        status=400,
    )


@require_POST
@login_required
def template_start(request: HttpRequest, slug: str) -> HttpResponse:
    template = selectors.template_get(slug=slug)
    form = TemplateStartForm(request.POST, teams=writable_teams(request.user))
    if not form.is_valid():
        messages.error(request, "Choose one of your teams (where you are an analyst).")
        return redirect("dashboard")
    agreement = services.agreement_start_from_template(
        template=template, team=form.cleaned_data["team"], author=request.user
    )
    messages.success(request, f"Started a draft from “{template.title}”.")
    return redirect(agreement)


def _as_imported(document: dict[str, Any]) -> dict[str, Any]:
    """The imported copy's title says it is one, so it is not mistaken for the original."""
    title = document.get("title")
    if isinstance(title, str) and title.strip() and not title.endswith("(imported)"):
        return {**document, "title": f"{title.strip()[:189]} (imported)"}
    return document


@require_POST
@login_required
def draft_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES, teams=writable_teams(request.user))
    if form.is_valid():
        try:
            agreement = services.agreement_import(
                team=form.cleaned_data["team"],
                author=request.user,
                document=_as_imported(form.cleaned_data["file"]),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Imported “{agreement.title}”.")
            return redirect(agreement)
    return render(
        request,
        "agreements/dashboard.html",
        _dashboard_context(request, import_form=form),
        status=400,
    )
