"""Things declared twice must agree: Django choices and engine enumerations, and the
files the docs name and the files in the repository."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest
from django.db import models

from agreements import choices as agreement_choices
from catalog import choices as catalog_choices
from scoring import engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("django_choices", "engine_enum"),
    [
        (agreement_choices.Purpose, engine.Purpose),
        (agreement_choices.Role, engine.Role),
        (agreement_choices.Covers, engine.Covers),
        (catalog_choices.Cluster, engine.Cluster),
        (catalog_choices.Alignment, engine.Alignment),
    ],
    ids=lambda c: c.__name__,
)
def test_django_choices_and_engine_enums_have_the_same_values(
    django_choices: type[models.TextChoices], engine_enum: type[StrEnum]
) -> None:
    assert list(django_choices.values) == [member.value for member in engine_enum]


def test_risk_kinds_are_the_engines_risk_weight_keys() -> None:
    assert agreement_choices.RISK_KINDS == engine.params.RISK_WEIGHT_KEYS


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
PATH = re.compile(r"`([\w.-]+(?:/[\w.-]+)+\.(?:py|md|yaml|yml|html|toml|txt|js|css|json))`")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_name_only_files_that_exist(document: Path) -> None:
    named = set(PATH.findall(document.read_text(encoding="utf-8")))
    missing = sorted(
        path
        for path in named
        if not any(
            (base / path).exists()
            for base in (ROOT, ROOT / "templates", document.parent, ROOT / "docs")
        )
    )
    assert not missing, f"{document.name} names files that are not in the repository"
