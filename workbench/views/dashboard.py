"""The dashboard: my team's drafts, starting a draft (blank, template, import)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.selectors import membership_list_for_user
from agreements import selectors, services
from agreements.choices import Purpose, Status
from agreements.models import Agreement
from catalog.choices import PowerLabel
from core.http import HtmxHttpRequest, whole_number
from core.pagination import Cursor
from scoring.selectors import score_runs_by_id
from workbench.filters import AgreementFilterSet
from workbench.forms import DraftCreateForm, ImportForm, TemplateStartForm, attach_errors
from workbench.selectors import DraftPage, draft_page
from workbench.views.common import draft_for, writable_teams

PAGE_SIZE = 25


def _filter_params(request: HttpRequest) -> QueryDict:
    """The form's filters without its empty choices ("any"); the dashboard hides archived
    drafts unless the analyst asks for them."""
    params = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        kept = [v for v in values if v not in ("", "any")]
        if kept and name != "cursor":
            params.setlist(name, kept)
    if request.GET.get("archived") != "any" and Status.ARCHIVED not in params.getlist("status"):
        params.setdefault("archived", "false")
    return params


def _rows_context(request: HttpRequest, roles: dict[int, str] | None = None) -> dict[str, object]:
    """One page of the user's drafts (``?cursor=``: the page after it; a cursor this site
    did not write: the first page) with their scores, and the link to the next page.
    Four queries whatever the team's size: the user's teams (unless given), page ids,
    those rows, their scores."""
    if roles is None:
        roles = selectors.team_roles_for_user(user=request.user)
    team_ids = sorted(roles)
    filters = AgreementFilterSet(
        _filter_params(request),
        queryset=selectors.agreement_list_for_user(user=request.user, team_ids=team_ids),
    )
    cursor = Cursor.decode(request.GET.get("cursor", ""))
    page = (
        draft_page(queryset=filters.qs, team_ids=team_ids, cursor=cursor, size=PAGE_SIZE)
        if filters.is_valid()
        else DraftPage([], None)
    )
    following = page.next
    agreements: list[Any] = page.drafts  # annotated rows
    scores = score_runs_by_id([a.latest_score_id for a in agreements])
    for agreement in agreements:
        agreement.latest_score = scores.get(agreement.latest_score_id)
        agreement.can_delete = roles.get(agreement.team_id) == Role.ANALYST
    kept = request.GET.copy()
    kept.pop("cursor", None)
    query_string = kept.urlencode()
    archived_shown = request.GET.get("archived") in ("true", "any") or (
        Status.ARCHIVED in request.GET.getlist("status")
    )
    toggled = kept.copy()
    if archived_shown:
        toggled.pop("archived", None)
    else:
        toggled["archived"] = "any"
    more_url = ""
    if following is not None:
        kept["cursor"] = following.encode()
        more_url = f"?{kept.urlencode()}"
    return {
        "agreements": agreements,
        "filters": filters,
        "continued": cursor is not None,
        "query_string": query_string,
        "more_url": more_url,
        "filtering": any(v for k, v in _filter_params(request).items() if k != "archived"),
        "archived_shown": archived_shown,
        "archived_toggle_url": f"?{toggled.urlencode()}" if toggled else "?",
    }


def _dashboard_context(request: HttpRequest, **forms: object) -> dict[str, object]:
    teams = writable_teams(request.user)
    memberships = list(membership_list_for_user(user=request.user))
    writable = [m.team for m in memberships if m.role == Role.ANALYST]
    return {
        **_rows_context(request, {m.team_id: m.role for m in memberships}),
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
        "teams": writable,
        "memberships": memberships,
        "import_form": forms.get("import_form") or ImportForm(teams=teams),
        "can_write": bool(writable),
    }


@require_GET
@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The draft list; an htmx "Load more" gets only the next rows (partial ``drafts-more``),
    and the htmx filter form only the list (partial ``draft-list``)."""
    if request.htmx and request.GET.get("cursor"):
        response = render(request, "agreements/dashboard.html#drafts-more", _rows_context(request))
    elif request.htmx and request.htmx.target == "draft-list":
        response = render(request, "agreements/dashboard.html#draft-list", _rows_context(request))
    else:
        response = render(request, "agreements/dashboard.html", _dashboard_context(request))
    patch_vary_headers(response, ["HX-Request"])
    return response


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


def _deletion_context(request: HttpRequest, agreement: Agreement) -> dict[str, object]:
    return {
        "agreement": agreement,
        "removes": selectors.agreement_deletion_summary(agreement=agreement),
        "archived": agreement.status == Status.ARCHIVED,
    }


@require_http_methods(["GET", "POST"])
@login_required
def draft_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what deleting the draft removes, and a button to do it (or to archive it
    instead). POST (with the version the analyst saw): delete it for good."""
    agreement = draft_for(request, pk, write=True)
    if request.method == "GET":
        return render(request, "agreements/delete.html", _deletion_context(request, agreement))
    version = whole_number(request.POST.get("version", ""))
    if version is None:
        messages.error(request, "Not deleted: reload this page and confirm again.")
        return redirect("workbench:delete", pk=agreement.pk)
    removes = selectors.agreement_deletion_summary(agreement=agreement)
    try:
        services.agreement_delete(agreement_id=agreement.pk, expected_version=version)
    except services.StaleVersion as exc:
        messages.error(request, f"Not deleted. {exc}")
        return render(
            request, "agreements/delete.html", _deletion_context(request, agreement), status=409
        )
    revisions = removes["revisions"]
    messages.success(
        request,
        f"Deleted “{agreement.title}” with its {revisions} "
        f"revision{pluralize(revisions)} and their scores.",
    )
    return redirect("dashboard")


@require_POST
@login_required
def draft_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive the draft (a new revision): it leaves the list but keeps everything."""
    agreement = draft_for(request, pk, write=True)
    version = whole_number(request.POST.get("version", ""))
    if agreement.status == Status.ARCHIVED:
        messages.info(request, f"“{agreement.title}” was already archived.")
        return redirect("dashboard")
    if version is None:
        messages.error(request, "Not archived: reload the page and try again.")
        return redirect("workbench:delete", pk=agreement.pk)
    try:
        services.agreement_update(
            agreement_id=agreement.pk,
            expected_version=version,
            author=request.user,
            changes={"status": Status.ARCHIVED},
        )
    except services.StaleVersion as exc:
        messages.error(request, f"Not archived. {exc}")
        return redirect("workbench:delete", pk=agreement.pk)
    messages.success(
        request,
        f"Archived “{agreement.title}”: it is hidden from the list, with its history kept. "
        "Show archived drafts to find it again.",
    )
    return redirect("dashboard")
