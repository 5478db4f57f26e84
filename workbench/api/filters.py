"""Filters of the drafts API's lists."""

from __future__ import annotations

import django_filters

from agreements.models import Revision
from core.filters import DateTimeFilter, StrictFilterSet


class RevisionFilterSet(StrictFilterSet):
    author = django_filters.CharFilter(
        field_name="author__username", label="Username of the revision's author."
    )
    created_after = DateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="Made at or after this time."
    )
    created_before = DateTimeFilter(
        field_name="created_at", lookup_expr="lt", label="Made before this time."
    )

    class Meta:
        model = Revision
        fields = ["author", "created_after", "created_before"]
