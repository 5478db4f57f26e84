"""Catalog pages: the faceted benefit browser, item detail and reference tables."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from catalog import selectors
from core.http import HtmxHttpRequest


@require_GET
@login_required
@vary_on_headers("HX-Request")
def catalog_index(request: HtmxHttpRequest) -> HttpResponse:
    """Browse benefit items; htmx requests get only the results (and fresh facet counts)."""
    filterset = selectors.benefit_item_list(params=request.GET)
    items = filterset.qs
    context = {
        "filterset": filterset,
        "items": items,
        "facets": selectors.benefit_item_facets(queryset=items, selected=request.GET),
    }
    template = "catalog/index.html"
    if request.htmx and request.htmx.target == "item-results":
        template += "#item-results"
    return render(request, template, context)


@require_GET
@login_required
def item_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    item = selectors.benefit_item_get(slug=slug)
    return render(request, "catalog/item_detail.html", {"item": item})


@require_GET
@login_required
def reference(request: HtmxHttpRequest) -> HttpResponse:
    """Commitments, mechanism types, risk kinds and actor profiles on one page."""
    context = {
        "commitments": selectors.commitment_list(),
        "mechanism_types": selectors.mechanism_type_list(),
        "risk_kinds": selectors.risk_kind_list(),
        "actors": selectors.actor_list(),
    }
    return render(request, "catalog/reference.html", context)
