"""One FilterSet for the list of drafts, shared by the dashboard and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from agreements.choices import Purpose, Status
from agreements.models import Agreement, Party
from catalog.choices import PowerLabel
from core.filters import StrictBooleanFilter, StrictFilterSet
from scoring.models import RunStatus, ScoreRun


@extend_schema_field(OpenApiTypes.BOOL)
class _ArchivedFilter(StrictBooleanFilter):
    """``true`` (only archived drafts) or ``false`` (hide them); absent: all."""


class AgreementFilterSet(StrictFilterSet):
    """Search and filters of the draft list. Repeating a filter ORs its values; a value
    the filter cannot read is an error (a 400 in the API), never "no filter"."""

    q = django_filters.CharFilter(
        method="filter_search",
        label="Search: every word in the title, the notes or a party's name",
        max_length=200,
    )
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    purpose = django_filters.MultipleChoiceFilter(choices=Purpose.choices)
    template = django_filters.CharFilter(
        field_name="template_slug", label="Reference template", max_length=80
    )
    label = django_filters.MultipleChoiceFilter(
        choices=PowerLabel.choices, method="filter_label", label="Label of the latest score"
    )
    archived = _ArchivedFilter(
        method="filter_archived", label="Archived (true: only archived; false: hide them)"
    )
    team__slug = django_filters.CharFilter(
        field_name="team__slug", label="Slug of the draft's team.", max_length=80
    )

    class Meta:
        model = Agreement
        fields = ["q", "status", "purpose", "template", "label", "archived", "team__slug"]

    def filter_search(
        self, queryset: QuerySet[Agreement], name: str, value: str
    ) -> QuerySet[Agreement]:
        condition = Q()
        for word in value.split()[:8]:
            named = Party.objects.filter(
                Q(name__icontains=word) | Q(name="", actor__name__icontains=word),
                agreement=OuterRef("pk"),
            )
            condition &= Q(title__icontains=word) | Q(notes__icontains=word) | Q(Exists(named))
        return queryset.filter(condition)

    def filter_label(
        self, queryset: QuerySet[Agreement], name: str, value: list[str]
    ) -> QuerySet[Agreement]:
        if not value:
            return queryset
        latest = ScoreRun.objects.filter(agreement=OuterRef("pk"), status=RunStatus.DONE).order_by(
            "-revision_number", "-finished_at"
        )
        return queryset.alias(latest_label=Subquery(latest.values("label")[:1])).filter(
            latest_label__in=value
        )

    def filter_archived(
        self, queryset: QuerySet[Agreement], name: str, value: bool | None
    ) -> QuerySet[Agreement]:
        if value is None:
            return queryset
        archived = Q(status=Status.ARCHIVED)
        return queryset.filter(archived) if value else queryset.exclude(archived)
