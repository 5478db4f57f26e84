"""One declaration of the document (``agreements.shape``): every surface accepts and
refuses the same values — document validation, the builder's forms (add and inline
edit), the storage columns and the API serializers."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from agreements.document import CatalogIndex, DocumentError, validate_document
from agreements.shape import DRAFT, SCENARIO, SECTIONS, Field, Kind
from agreements.storage import MODELS
from tests.factories import draft_document
from workbench import forms as f
from workbench.views.builder import ADD_FORMS, UPDATE_FORMS

CATALOG = CatalogIndex(
    items={"datasets": False, "monetary-aid-governments": False},
    commitments=frozenset({"domestic-safety-regulation", "non-proliferation"}),
    mechanism_types={"verification_body": False},
    actors=frozenset({"us", "jp", "br", "cn"}),
)


def probes(spec: Field) -> list[Any]:
    """Values on and around the field's bounds."""
    if spec.kind is Kind.NUMBER:
        low, high = spec.low, spec.high
        return [low - 0.01, low, low + 0.001, (low + high) / 2, high, high + 0.001]
    if spec.kind is Kind.INTEGER:
        return [int(spec.low) - 1, int(spec.low), int(spec.high), int(spec.high) + 1]
    if spec.kind is Kind.TEXT:
        return ["x", "x" * spec.max_length, "x" * (spec.max_length + 1)]
    if spec.kind is Kind.CHOICE:
        return [*spec.values, "not-a-choice"]
    return []


def document_accepts(where: str, spec: Field, value: Any) -> bool:
    document = copy.deepcopy(draft_document(lines=2))
    if where == "draft":
        document[spec.name] = value
        path = spec.name
    elif where == "scenario":
        document["scenario"][spec.name] = value
        path = f"scenario.{spec.name}"
    else:
        document[where][0][spec.name] = value
        path = f"{where}[0].{spec.name}"
    try:
        validate_document(document, CATALOG)
    except DocumentError as exc:
        return path not in exc.errors
    return True


def form_accepts(field: Any, value: Any) -> bool:
    try:
        field.clean(value)
    except ValidationError:
        return False
    return True


CASES = [
    (where, spec, value)
    for where, fields in [
        ("draft", DRAFT),
        ("scenario", SCENARIO),
        *[(name, section.fields[1:]) for name, section in SECTIONS.items()],
    ]
    for spec in fields
    for value in probes(spec)
]


@pytest.mark.parametrize(
    ("where", "spec", "value"),
    CASES,
    ids=[f"{w}.{s.name}={str(v)[:12]}" for w, s, v in CASES],
)
def test_validation_and_forms_agree(where, spec, value):
    expected = document_accepts(where, spec, value)
    forms_to_check = []
    if where in ADD_FORMS:
        forms_to_check += [ADD_FORMS[where], UPDATE_FORMS[where]]
    else:
        forms_to_check.append(f.DraftSettingsForm)
    checked = 0
    for form_class in forms_to_check:
        field = form_class.base_fields.get(spec.name)
        if field is None or spec.kind is Kind.REF:
            continue
        checked += 1
        assert form_accepts(field, value) == expected, (form_class.__name__, spec.name, value)
    if where in MODELS and spec.kind is Kind.TEXT and spec.name != "key":
        column = MODELS[where]._meta.get_field(spec.name)
        assert column.max_length in (None, spec.max_length)


def test_every_declared_field_is_a_column():
    for name, section in SECTIONS.items():
        columns = {field.name for field in MODELS[name]._meta.get_fields()}
        for spec in section.fields:
            column = spec.target.value if spec.target else spec.name
            column = {"mechanism_type": "mechanism_type"}.get(column, column)
            assert column in columns or spec.name in columns, (name, spec.name)


def test_edit_forms_take_their_bounds_from_the_declaration(analyst_client, team, analyst):
    from tests.factories import make_draft

    draft = make_draft(team=team, author=analyst)
    # The Edit form loads on its own when opened (htmx asks its address).
    page = analyst_client.get(
        f"/drafts/{draft.pk}/lines/l1/edit/", HTTP_HX_REQUEST="true"
    ).content.decode()
    start = page.index('id="line-l1-magnitude"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    attrs = f.widget_attrs(SECTIONS["lines"]["magnitude"])
    for name, value in attrs.items():
        assert f'{name}="{value}"' in tag
