"""The builder: one page to edit a whole draft; every edit saves a new revision.

Each form posts with htmx and gets back the ``#builder`` partial (plus the score
panel, out of band); without JavaScript the same forms post normally and redirect.
Errors come back next to their fields with what the analyst typed; a stale edit
says who changed what and offers to reload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import pretty_name
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from agreements import selectors, services
from agreements.document import SECTIONS
from agreements.edits import PART_NOUNS
from agreements.models import Agreement
from agreements.shape import SECTIONS as SECTION_SHAPES
from agreements.wording import LEVER_LABELS, choice_words, value_words
from catalog.choices import LEVER_CHOICES
from catalog.selectors import benefit_item_list
from core.http import HtmxHttpRequest, whole_number
from workbench import forms as f
from workbench.builder_rows import EDIT_FIELDS, prepare_rows, url_format
from workbench.presenters import score_panel_context
from workbench.views.common import WriteOutcome, attempt, draft_for, user_can_edit

ADD_FORMS: dict[str, type[f.VersionedForm]] = {
    "parties": f.PartyForm,
    "phases": f.PhaseForm,
    "lines": f.LineForm,
    "conditions": f.ConditionForm,
    "mechanisms": f.MechanismForm,
}
UPDATE_FORMS: dict[str, type[f.VersionedForm]] = {
    "parties": f.PartyUpdateForm,
    "phases": f.PhaseUpdateForm,
    "lines": f.LineUpdateForm,
    "conditions": f.ConditionUpdateForm,
    "mechanisms": f.MechanismUpdateForm,
}
ADD_BUTTONS = {
    "parties": "Add party",
    "phases": "Add phase",
    "lines": "Add benefit",
    "conditions": "Add condition",
    "mechanisms": "Add mechanism",
}
NEEDS_DOCUMENT = {"lines", "conditions", "mechanisms"}
LEVER_OPTIONS = [
    (name, LEVER_LABELS[name], [(c, choice_words(c)) for c in choices])
    for name, choices in LEVER_CHOICES.items()
]


MISSING_VERSION = "Reload the page and try again: the version of the draft was missing."


@dataclass(frozen=True)
class FailedEdit:
    """An inline edit that was not saved: its form reopens with what was typed and why."""

    section: str
    key: str
    typed: Mapping[str, Any]
    errors: Mapping[str, list[str]]

    @property
    def marker(self) -> str:
        return f"{self.section}:{self.key}"

    @property
    def focus(self) -> str:
        """The first field with an error ("" when the errors are not about one field)."""
        return next((name for name in self.errors if name != "__all__"), "")


def _show_typed(document: dict[str, Any], edit: FailedEdit) -> None:
    """Give the edited row a ``typed`` copy (its Edit form's values) and ``errors``."""
    row = next((r for r in document.get(edit.section, []) if r["key"] == edit.key), None)
    if row is None:
        return
    typed: dict[str, Any] = {**row, "errors": edit.errors}
    for name, field in UPDATE_FORMS[edit.section]().fields.items():  # with added fields
        if name == "version":
            continue
        value: Any = edit.typed.get(name, "")
        if isinstance(field, forms.BooleanField):
            value = name in edit.typed
        if name in LEVER_LABELS:
            if row.get("levers") is not None:
                lag = whole_number(value) if name == "generation_lag" else None
                typed["levers"] = {**typed["levers"], name: value if lag is None else lag}
            continue
        typed[name] = value
    typed["lever_errors"] = [e for name in LEVER_LABELS for e in edit.errors.get(name, [])]
    typed["form_errors"] = edit.errors.get("__all__", [])
    typed["focus"] = edit.focus
    row["typed"] = typed


def _section(section: str) -> str:
    if section not in SECTIONS:
        raise Http404
    return section


def builder_context(
    request: HttpRequest,
    agreement: Agreement,
    *,
    bound: dict[str, forms.Form] | None = None,
    failed_edit: FailedEdit | None = None,
    focus: str = "",
    opened: str = "",
) -> dict[str, Any]:
    """Everything the builder page shows, in a constant number of queries.

    ``focus`` says where an htmx response moves the keyboard focus: ``revision`` (the
    new revision line, after a save) or ``messages`` (a refusal not tied to a field).
    Forms load when their ``<details>`` opens; on the page are only the ``bound`` ones
    (refused), the refused Edit form (``failed_edit``) and the one ``opened`` names
    (``settings``, ``lines:add``, ``lines:l1``: opened without JavaScript).
    """
    revision = selectors.revision_latest(agreement=agreement)
    document = selectors.document_for_display(revision.document)
    if failed_edit is not None:
        _show_typed(document, failed_edit)
    prepare_rows(
        document,
        pk=agreement.pk,
        open_forms={failed_edit.marker if failed_edit else "", opened},
    )
    add_forms: dict[str, forms.Form | None] = dict.fromkeys(ADD_FORMS)
    section = opened.removesuffix(":add")
    if section != opened and section in ADD_FORMS:
        add_forms[section] = _add_form(section, document, agreement.version)
    add_forms.update(bound or {})
    settings_form = (bound or {}).get("settings") or (
        _settings_form(document, agreement.version) if opened == "settings" else None
    )
    return {
        "agreement": agreement,
        "fork_source": selectors.fork_source(agreement),
        "version": agreement.version,
        "revision": revision,
        "document": document,
        "forms": add_forms,
        "settings_form": settings_form,
        "add_buttons": ADD_BUTTONS,
        **_urls(agreement.pk),
        "lever_options": LEVER_OPTIONS,
        "field_attrs": f.FIELD_ATTRS,
        "lag_options": range(4),
        "focus": focus,
        "oob": False,
        "oob_score": False,
        "analysis_oob": False,
        "saved_line": "",
        "query": "",
        "items": [],
        "recipients": [p for p in document["parties"] if p["role"] == "recipient"],
        **score_panel_context(agreement, can_edit=user_can_edit(agreement)),
    }


def _urls(pk: int) -> dict[str, Any]:
    """The addresses of the settings form and of each section's add form."""
    add_url = url_format("workbench:part-add", pk)
    return {
        "settings_url": reverse("workbench:settings", args=[pk]),
        "add_urls": {section: add_url(section) for section in ADD_FORMS},
    }


def _add_form(section: str, document: dict[str, Any], version: int) -> forms.Form:
    """A section's empty add form (the first party added is the provider)."""
    start: dict[str, Any] = {"version": version}
    if section == "parties" and not any(p["role"] == "provider" for p in document["parties"]):
        start["role"] = "provider"
    return ADD_FORMS[section](initial=start, **_form_options(section, document))


def _settings_form(document: dict[str, Any], version: int) -> forms.Form:
    return f.DraftSettingsForm(
        auto_id="id_settings_%s",
        initial={
            "version": version,
            "title": document["title"],
            "purpose": document["purpose"],
            "status": document["status"],
            "notes": document["notes"],
            **document["scenario"],
        },
    )


def _form(request: HtmxHttpRequest, agreement: Agreement, marker: str) -> HttpResponse:
    """A form's address, read: for htmx the form alone, at the version the page shows
    (``?version=``), so a save from it is checked against what the analyst saw; without
    JavaScript the builder with that form open."""
    section, _, key = marker.partition(":")
    if not request.htmx:
        page = builder_context(request, agreement, opened=marker)
        if key not in ("", "add") and all(r["key"] != key for r in page["document"][section]):
            raise Http404
        return render(request, "agreements/builder.html", page)
    number = whole_number(request.GET.get("version", ""))
    if number is None or not 1 <= number <= agreement.version:
        number = agreement.version
    document = selectors.document_for_display(
        selectors.revision_get(agreement=agreement, number=number).document
    )
    context: dict[str, Any] = {"agreement": agreement, "version": number, "document": document}
    if marker == "settings":
        context.update(_urls(agreement.pk), settings_form=_settings_form(document, number))
        return render(request, "agreements/builder.html#settings-form", context)
    if key == "add":
        context.update(
            url=_urls(agreement.pk)["add_urls"][section],
            form=_add_form(section, document, number),
            button=ADD_BUTTONS[section],
        )
        return render(request, "agreements/builder/add_form.html#add-form", context)
    prepare_rows(document, pk=agreement.pk, open_forms={marker})
    row = next((r for r in document[section] if r["key"] == key), None)
    if row is None:
        raise Http404
    context.update(
        url=row["edit_url"],
        values=row["form"],
        key=key,
        row=row,
        fields=EDIT_FIELDS[section],
        css_class="inline-form" if section == "phases" else "edit-form",
        unsaved=False,
        field_attrs=f.FIELD_ATTRS,
        lever_options=LEVER_OPTIONS,
        lag_options=range(4),
    )
    return render(request, "agreements/builder/edit_form.html", context)


def _respond(
    request: HtmxHttpRequest,
    agreement: Agreement,
    outcome: WriteOutcome | None = None,
    *,
    bound: dict[str, forms.Form] | None = None,
    failed_edit: FailedEdit | None = None,
    keep_scroll: bool = False,
) -> HttpResponse:
    """The builder after a write: partial for htmx, redirect (or page with errors) otherwise.

    ``keep_scroll``: focus moves nowhere (an undo from far down the page stays there; the
    messages region announces what happened).
    """
    agreement.refresh_from_db()
    if outcome is not None and outcome.ok and not request.htmx:
        return redirect(agreement)
    focus = _focus(outcome, bound, failed_edit) if request.htmx and not keep_scroll else ""
    context = builder_context(request, agreement, bound=bound, failed_edit=failed_edit, focus=focus)
    if request.htmx:
        return render(request, "agreements/builder.html#builder", {**context, "oob_score": True})
    status = 200 if outcome is None or outcome.ok else 409 if outcome.stale else 400
    return render(request, "agreements/builder.html", context, status=status)


def _focus(
    outcome: WriteOutcome | None,
    bound: dict[str, forms.Form] | None,
    failed_edit: FailedEdit | None,
) -> str:
    """Where focus goes after an htmx write; an invalid field gets ``autofocus`` itself."""
    if outcome is not None and outcome.ok:
        return "revision"
    if failed_edit is not None and failed_edit.focus:
        return ""  # the Edit form marks the field (see _show_typed)
    for form in (bound or {}).values():
        field = next((name for name in form.errors if name in form.fields), None)
        if field is not None:
            form.fields[field].widget.attrs["autofocus"] = True
            return ""
    return "messages"


@require_GET
@login_required
def builder(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement = draft_for(request, pk)
    return render(request, "agreements/builder.html", builder_context(request, agreement))


@require_http_methods(["GET", "POST"])
@login_required
def settings_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Save the draft's settings; GET: the settings form (see ``_form``)."""
    agreement = draft_for(request, pk, write=True)
    if request.method == "GET":
        return _form(request, agreement, "settings")
    form = f.DraftSettingsForm(request.POST, auto_id="id_settings_%s")
    if not form.is_valid():
        return _respond(request, agreement, WriteOutcome(), bound={"settings": form})
    outcome = attempt(
        request,
        lambda: services.agreement_update(
            agreement_id=agreement.pk,
            expected_version=form.cleaned_data["version"],
            author=request.user,
            changes=form.changes(),
        ),
    )
    if outcome.error:
        f.attach_errors(form, outcome.error)
    return _respond(
        request,
        agreement,
        outcome,
        bound=None if outcome.ok else {"settings": _refresh(form, agreement)},
    )


def _refresh(form: forms.Form, agreement: Agreement) -> forms.Form:
    """Keep what the analyst typed; after a stale refusal, aim it at the latest version."""
    data = cast(QueryDict, form.data).copy()
    data["version"] = str(agreement.version) if not form.errors else data.get("version", "")
    rebound = type(form)(data, **_form_kwargs(form))
    rebound.is_valid()
    for field, errors in form.errors.items():
        for error in errors:
            if error not in rebound.errors.get(field, []):
                rebound.add_error(None if field == "__all__" else field, error)
    return rebound


def _form_kwargs(form: forms.Form) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"auto_id": form.auto_id}
    if hasattr(form, "document"):
        kwargs["document"] = form.document
    return kwargs


def _form_options(section: str, document: dict[str, Any]) -> dict[str, Any]:
    """Constructor options of a section's add form; ids are unique across the page."""
    options: dict[str, Any] = {"auto_id": f"id_{section}_%s"}
    if section in NEEDS_DOCUMENT:
        options["document"] = document
    return options


@require_http_methods(["GET", "POST"])
@login_required
def part_add(request: HtmxHttpRequest, pk: int, section: str) -> HttpResponse:
    """Add a part; GET: the section's add form (see ``_form``)."""
    agreement = draft_for(request, pk, write=True)
    section = _section(section)
    if request.method == "GET":
        return _form(request, agreement, f"{section}:add")
    document = selectors.document_for_display(
        selectors.revision_latest(agreement=agreement).document
    )
    form = ADD_FORMS[section](request.POST, **_form_options(section, document))
    form.document = document  # type: ignore[attr-defined]
    if not form.is_valid():
        return _respond(request, agreement, WriteOutcome(), bound={section: form})
    outcome = attempt(
        request,
        lambda: services.part_add(
            agreement_id=agreement.pk,
            expected_version=form.cleaned_data["version"],
            author=request.user,
            section=section,
            data=form.data_for_service(),
        ),
    )
    if outcome.ok:
        return _respond(request, agreement, outcome)
    if outcome.error:
        f.attach_errors(form, outcome.error)
        return _respond(request, agreement, outcome, bound={section: form})
    agreement.refresh_from_db()
    return _respond(request, agreement, outcome, bound={section: _refresh(form, agreement)})


@require_http_methods(["GET", "POST"])
@login_required
def part_update(request: HtmxHttpRequest, pk: int, section: str, key: str) -> HttpResponse:
    """Save an inline edit; GET: the part's Edit form (see ``_form``)."""
    agreement = draft_for(request, pk, write=True)
    section = _section(section)
    if request.method == "GET":
        return _form(request, agreement, f"{section}:{key}")
    form = UPDATE_FORMS[section](request.POST)
    if not form.is_valid():
        _flash_form_errors(request, agreement, form, section, key)
        return _respond(
            request, agreement, WriteOutcome(), failed_edit=_failed(request, form, section, key)
        )
    if section == "lines":
        document = selectors.revision_latest(agreement=agreement).document
        line = next((row for row in document["lines"] if row["key"] == key), None)
        if line is None:
            raise Http404
        levers_apply = line.get("levers") is not None
        changes = form.changes(levers_apply=levers_apply)
    else:
        changes = form.changes()
    outcome = attempt(
        request,
        lambda: services.part_update(
            agreement_id=agreement.pk,
            expected_version=form.cleaned_data["version"],
            author=request.user,
            section=section,
            key=key,
            changes=changes,
        ),
    )
    if outcome.error:
        form.errors.clear()
        f.attach_errors(form, outcome.error)
        _flash_form_errors(request, agreement, form, section, key)
    if outcome.stale:
        document = selectors.document_for_display(
            selectors.revision_latest(agreement=agreement).document
        )
        typed = _typed_words(section, changes, document)
        messages.info(
            request, f"What you entered for {_part_words(agreement, section, key)}: {typed}."
        )
    if outcome.ok and section == "lines" and request.htmx:
        return _line_saved(request, agreement, key)
    return _respond(
        request,
        agreement,
        outcome,
        failed_edit=None if outcome.ok else _failed(request, form, section, key),
    )


def _line_saved(request: HtmxHttpRequest, agreement: Agreement, key: str) -> HttpResponse:
    """A saved line edit: only that line (and, out of band, the revision line, the messages
    and the score panel) is swapped, so scroll and the other forms stay as they were."""
    agreement.refresh_from_db()
    context = builder_context(request, agreement)
    line = next(row for row in context["document"]["lines"] if row["key"] == key)
    response = render(
        request,
        "agreements/builder/line_saved.html",
        {**context, "line": line, "saved_line": key, "oob": True},
    )
    response["HX-Retarget"] = "#builder-messages"
    response["HX-Reswap"] = "innerHTML"
    return response


@require_POST
@login_required
def undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Undo the latest change: the revision before it comes back as a new revision."""
    agreement = draft_for(request, pk, write=True)
    form = f.VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, MISSING_VERSION)
        return _respond(request, agreement, WriteOutcome())
    outcome = attempt(
        request,
        lambda: services.agreement_undo(
            agreement_id=agreement.pk,
            expected_version=form.cleaned_data["version"],
            author=request.user,
        ),
    )
    if outcome.ok:
        revision = outcome.revision
        messages.success(request, f"{revision.message}, as revision {revision.number}.")
    if outcome.error:
        for error in outcome.error.messages:
            messages.error(request, f"Nothing was undone: {error}")
    return _respond(request, agreement, outcome, keep_scroll=True)


def _part_words(agreement: Agreement, section: str, key: str) -> str:
    """A part of the draft by what it is: 'benefit “Datasets for Japan”'."""
    document = selectors.document_for_display(
        selectors.revision_latest(agreement=agreement).document
    )
    row = next((r for r in document.get(section, []) if r["key"] == key), None)
    noun = PART_NOUNS.get(section, SECTION_SHAPES[section].singular)
    if row is None:
        return f"this {noun}"
    name = {
        "parties": row.get("display"),
        "phases": row.get("name"),
        "lines": f"{row.get('item_name')} for {row.get('recipient_name')}",
        "conditions": f"{row.get('commitment_name')} by {row.get('recipient_name')}",
        "mechanisms": row.get("type_name"),
    }[section]
    return f"{noun} “{name}”"


def _typed_words(section: str, changes: Mapping[str, Any], document: dict[str, Any]) -> str:
    """What was typed into an Edit form, in words (phases and recipients by name)."""
    shape = SECTION_SHAPES[section].by_name
    phases = {p["key"]: p["name"] for p in document.get("phases", [])}
    parties = document.get("party_names", {})
    words = []
    for name, value in changes.items():
        if value in (None, "", {}):
            continue
        if name == "phase":
            value = phases.get(value, value)
        elif name == "recipient":
            value = parties.get(value, value)
        label = shape[name].label if name in shape else name.replace("_", " ")
        words.append(f"{label.lower() if not label[1:2].isupper() else label} {value_words(value)}")
    return ", ".join(words)


def _failed(request: HttpRequest, form: forms.Form, section: str, key: str) -> FailedEdit:
    return FailedEdit(
        section, key, request.POST, {k: [str(e) for e in v] for k, v in form.errors.items()}
    )


def _flash_form_errors(
    request: HttpRequest, agreement: Agreement, form: forms.Form, section: str, key: str
) -> None:
    part = _part_words(agreement, section, key)
    for field, errors in form.errors.items():
        label = (form.fields[field].label or pretty_name(field)) if field in form.fields else ""
        for error in errors:
            prefix = f"{label}: " if label else ""
            messages.error(
                request,
                f"{part[:1].upper()}{part[1:]} not saved. {prefix}{error}",
            )


@require_POST
@login_required
def part_remove(request: HtmxHttpRequest, pk: int, section: str, key: str) -> HttpResponse:
    agreement = draft_for(request, pk, write=True)
    section = _section(section)
    form = f.VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Reload the page and try again: the version of the draft was missing."
        )
        return _respond(request, agreement, WriteOutcome())
    outcome = attempt(
        request,
        lambda: services.part_remove(
            agreement_id=agreement.pk,
            expected_version=form.cleaned_data["version"],
            author=request.user,
            section=section,
            key=key,
        ),
    )
    if outcome.error:
        for error in outcome.error.messages:
            messages.error(request, error)
    return _respond(request, agreement, outcome)


@require_POST
@login_required
def phase_move(request: HtmxHttpRequest, pk: int, key: str, direction: str) -> HttpResponse:
    agreement = draft_for(request, pk, write=True)
    form = f.VersionedForm(request.POST)
    if direction not in ("up", "down") or not form.is_valid():
        raise Http404
    outcome = attempt(
        request,
        lambda: services.phase_move(
            agreement_id=agreement.pk,
            expected_version=form.cleaned_data["version"],
            author=request.user,
            key=key,
            offset=-1 if direction == "up" else 1,
        ),
    )
    if outcome.error:
        for error in outcome.error.messages:
            messages.error(request, error)
    return _respond(request, agreement, outcome)


@require_POST
@login_required
def fork(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    agreement = draft_for(request, pk, write=True)
    form = f.ForkForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("title", []):
            messages.error(request, f"Not forked. Title of the fork: {error}")
        if request.htmx:
            return HttpResponseClientRedirect(agreement.get_absolute_url())
        return redirect(agreement)
    copy = services.agreement_fork(
        agreement=agreement, author=request.user, title=form.cleaned_data["title"]
    )
    messages.success(
        request, f"Forked into “{copy.title}”. Changes here leave the original as it was."
    )
    if request.htmx:
        return HttpResponseClientRedirect(copy.get_absolute_url())
    return redirect(copy)


@require_GET
@login_required
def catalog_search(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Benefits matching the search box, each with a one-click "add" form."""
    agreement = draft_for(request, pk)
    document = selectors.document_for_display(
        selectors.revision_latest(agreement=agreement).document
    )
    query = request.GET.get("q", "").strip()[:100]
    items = list(benefit_item_list(params=request.GET).qs[:12]) if query else []
    context = {
        "agreement": agreement,
        "items": items,
        "query": query,
        "recipients": [p for p in document["parties"] if p["role"] == "recipient"],
        "can_edit": user_can_edit(agreement),
        **_urls(agreement.pk),
    }
    return render(request, "agreements/builder/lines.html#catalog-results", context)
