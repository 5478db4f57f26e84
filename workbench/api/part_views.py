"""The parts of a draft (parties, phases, lines, conditions, mechanisms), by key.

One viewset class per section, each with its own documented methods and serializers
(``parts.SECTIONS``): decorating the shared methods of ``PartViewSet`` once per section
would document every section with the last one's schemas.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from agreements import selectors, services
from agreements.models import Agreement, Revision
from core.api import KEY_REGEX, VERSIONED_WRITE, error_response
from core.concurrency import etag as etag_for
from workbench.api.common import (
    IF_MATCH,
    VERSION_PARAM,
    AgreementAccess,
    etag,
    expected_version,
    run_write,
    versioned_input,
)
from workbench.api.parts import PHASE_KEY_REGEX, SECTIONS, Section


class PartViewSet(AgreementAccess, viewsets.ViewSet):
    """Parts of one section of a draft, addressed by key."""

    section: Section

    def _document(self, agreement: Agreement) -> dict[str, Any]:
        return selectors.revision_latest(agreement=agreement).document

    def list(self, request: Request, agreement_pk: str) -> Response:
        agreement = self.agreement()
        response = Response(self._document(agreement)[self.section.name])
        response["ETag"] = etag_for(agreement.version)
        return response

    def retrieve(self, request: Request, agreement_pk: str, key: str) -> Response:
        agreement = self.agreement()
        for row in self._document(agreement)[self.section.name]:
            if row["key"] == key:
                response = Response(row)
                response["ETag"] = etag_for(agreement.version)
                return response
        raise Http404

    def create(self, request: Request, agreement_pk: str) -> Response:
        agreement = self.agreement(write=True)
        data, version, precondition = versioned_input(request, self.section.create)
        revision: Revision = run_write(
            request,
            precondition,
            lambda: services.part_add(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                section=self.section.name,
                data=data,
            ),
        )
        return self._part_response(
            revision, key=data.get("key") or self._added_key(revision), code=201
        )

    def _added_key(self, revision: Revision) -> str:
        """The key chosen for the part ``revision`` added (phases are sorted by ``order``)."""
        before = Revision.objects.get(
            agreement_id=revision.agreement_id, number=revision.number - 1
        )
        keys = {row["key"] for row in before.document[self.section.name]}
        return next(r["key"] for r in revision.document[self.section.name] if r["key"] not in keys)

    def partial_update(self, request: Request, agreement_pk: str, key: str) -> Response:
        agreement = self.agreement(write=True)
        data, version, precondition = versioned_input(request, self.section.change, partial=True)
        revision = self._write_existing(
            request,
            precondition,
            key,
            lambda: services.part_update(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                section=self.section.name,
                key=key,
                changes=data,
            ),
        )
        return self._part_response(revision, key=key)

    def destroy(self, request: Request, agreement_pk: str, key: str) -> Response:
        agreement = self.agreement(write=True)
        version, precondition = expected_version(request)
        revision = self._write_existing(
            request,
            precondition,
            key,
            lambda: services.part_remove(
                agreement_id=agreement.pk,
                expected_version=version,
                author=request.user,
                section=self.section.name,
                key=key,
            ),
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["ETag"] = etag_for(revision.number)
        return response

    def _write_existing(self, request: Request, precondition: bool, key: str, call: Any) -> Any:
        """A write to the part ``key``: a 404 when the draft has no such part."""
        try:
            return run_write(request, precondition, call)
        except ValidationError as exc:
            agreement = self.agreement()
            if "key" in cast(dict[str, Any], exc.detail) and not any(
                row["key"] == key for row in self._document(agreement)[self.section.name]
            ):
                raise Http404 from None
            raise

    def _part_response(self, revision: Any, *, key: str, code: int = 200) -> Response:
        row = next(r for r in revision.document[self.section.name] if r["key"] == key)
        response = Response({**row, "agreement_version": revision.number}, status=code)
        response["ETag"] = etag_for(revision.number)
        return response


def part_viewset(section: Section) -> type[PartViewSet]:
    """The viewset of one section, documented with that section's own serializers."""
    one, many = section.singular, section.name
    viewset = type(
        f"{many.title()}ViewSet",
        (PartViewSet,),
        {"section": section, "__doc__": f"The {many} of a draft, addressed by key."},
    )
    key_regex = PHASE_KEY_REGEX if many == "phases" else KEY_REGEX
    key = OpenApiParameter(
        "key",
        str,
        OpenApiParameter.PATH,
        pattern=key_regex,
        description=f"The key of the {one}.",
    )
    detail: dict[int, Any] = {404: error_response(f"No such draft, or no {one} with this key.")}
    if many == "phases":  # the route of POST /phases/order/ answers other methods
        detail[405] = error_response("The key `order` is reserved (see /phases/order/).")
    tags = ["agreement parts"]
    return extend_schema_view(
        list=extend_schema(
            summary=f"The {many} of a draft",
            description=f"All {many} of the draft, in order (a plain array).",
            responses={200: section.row(many=True)},
            parameters=[etag(200)],
            tags=tags,
        ),
        retrieve=extend_schema(
            summary=f"One {one}",
            responses={200: section.row, **detail},
            parameters=[key, etag(200)],
            tags=tags,
        ),
        create=extend_schema(
            summary=f"Add a {one}",
            description=f"Adds a {one}; without `key`, the next free one is chosen.",
            request=section.create,
            responses={201: section.written, **VERSIONED_WRITE},
            parameters=[IF_MATCH, etag(201)],
            tags=tags,
        ),
        partial_update=extend_schema(
            summary=f"Change a {one}",
            description="Changes the fields you name; the others keep their values.",
            request=section.change,
            responses={200: section.written, **VERSIONED_WRITE, **detail},
            parameters=[key, IF_MATCH, etag(200)],
            tags=tags,
        ),
        destroy=extend_schema(
            summary=f"Remove a {one}",
            description=(
                "Removing a party also removes its lines and conditions; removing a phase "
                "moves its lines and conditions to no phase."
            ),
            responses={204: None, **VERSIONED_WRITE, **detail},
            parameters=[key, VERSION_PARAM, IF_MATCH, etag(204)],
            tags=tags,
        ),
    )(viewset)


VIEWSETS: dict[str, type[PartViewSet]] = {
    name: part_viewset(section) for name, section in SECTIONS.items()
}
