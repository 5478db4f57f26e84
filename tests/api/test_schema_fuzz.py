"""Schemathesis over every operation of the OpenAPI schema: the schema tells the truth.

Every phase runs: examples, coverage (each field's boundaries and violations, one at a
time), fuzzing, then stateful workflows that chain operations through the links
schemathesis infers; all with schema-valid and schema-violating input. Requests go
in-process through WSGI to the test database (CI: PostgreSQL), as a user who is an
analyst of a seeded team and a curator; each case is rolled back, so every case starts
from the seed. The score runs a write queues run in-process (Celery eager, when the
request's work commits): a real worker would need every case committed, and the
worker path has its own tests (``tests/scoring/test_worker_integration.py``).

The checks (a failure in any fails the test):

- no 5xx for any input; every status code, content type, header and body is the
  documented one (``status_code_conformance``, ``content_type_conformance``,
  ``response_headers_conformance``, ``response_schema_conformance``);
- input the schema forbids is refused (``negative_data_rejection``) and input it allows
  is accepted (``positive_data_acceptance``): a schema-valid request may be refused only
  for what no schema can say, and only naming those fields (``refused_only_for_state``);
- a missing required header is refused, no credentials is a 401, an undocumented
  method is a 405 with ``Allow``, a deleted resource stays gone.

Coverage cases use the seed's ids, keys, slugs and version where they are meant to be
valid (``aim_at_seed``); fuzzing draws them from the seed half the time or more, so
writes get past "not found" and "stale version" to the checks of their bodies.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoverageScenario
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from accounts.models import Membership, Role, Team
from accounts.services import curator_grant
from agreements.models import Agreement
from scoring.models import ScoreRun
from tests.factories import MembershipFactory, TeamFactory, UserFactory, make_draft
from windfall.wsgi import application

pytestmark = pytest.mark.slow

SEED_DRAFTS = (7_000_001, 7_000_002)
"""The seeded drafts' ids (their sequences are set before they are made)."""
SEED_RUN = 7_000_001
SEED_TEAM = "fuzz-team"
ITEMS = ["datasets", "monitored-api-access", "disaster-insurance"]
COMMITMENTS = ["accept-inspections", "non-proliferation"]
MECHANISM_TYPES = ["treaty", "verification_body", "escrow"]
ACTORS = ["us", "jp", "in", "fr"]
TEMPLATES = ["marshall-plan", "cern-for-ai"]
"""Shipped catalog entries and templates."""

# --- What a schema cannot say ---------------------------------------------------------
#
# A schema states each field's type and range, not what exists on the server or rules
# across fields. A schema-valid request may still be a 400 for those reasons only, and
# only naming these fields (regular expressions over the ``errors`` keys).

_SECTION_REFERENCES = {
    "parties": r"actor|name|alignment|trust|capability|security|parties"
    r"|(lines|conditions)\[\d+\]\.recipient",
    "phases": r"phases",
    "lines": r"item|recipient|phase|levers|lines|amount|unit",
    "conditions": r"commitment|recipient|phase|conditions|amount|unit",
    "mechanisms": r"type|phase|mechanisms",
}
_DOCUMENT = (
    r"parties|parties\[\d+\]\.(actor|name|alignment|trust|capability|security)"
    r"|lines\[\d+\]\.(item|recipient|phase|levers|amount|unit)"
    r"|conditions\[\d+\]\.(commitment|recipient|phase|amount|unit)"
    r"|mechanisms\[\d+\]\.(type|phase)"
    r"|(parties|phases|lines|conditions|mechanisms)\[\d+\]\.key|scenario\.risk_weights"
)
# Writes to a draft name its version in ``version`` or in an If-Match header: one of
# the two is required, which OpenAPI cannot say across a body and a header.
STATE_DEPENDENT: dict[str, str] = {
    # A cursor is only one the API wrote (a `next` link): text of the right form is not.
    "GET /api/v1/agreements/": r"cursor",
    "POST /api/v1/agreements/": r"team",
    "POST /api/v1/agreements/import/": rf"team|{_DOCUMENT}",
    "POST /api/v1/templates/{slug}/start/": r"team",
    "PATCH /api/v1/agreements/{id}/": r"version|risk_weights",
    "DELETE /api/v1/agreements/{id}/": r"version",
    "POST /api/v1/agreements/{id}/restore/": r"version|revision",
    "POST /api/v1/agreements/{id}/phases/order/": r"version|keys",
    "POST /api/v1/agreements/{id}/score/": r"agreement",
    "GET /api/v1/agreements/{id}/negotiation/": r"agreement|transfer_item",
    "GET /api/v1/agreements/{id}/suggestions/": r"agreement|recipient",
    "GET /api/v1/agreements/{id}/memo/": r"compare",  # the draft itself, or too many
    # A suggested edit is free-form data the engine wrote: what it may be refused for
    # depends on the draft it is applied to (any field of any part).
    "POST /api/v1/agreements/{id}/suggestions/apply/": r".*",
    # An answer of the design assistant is asked of a draft that can be scored, for one
    # of its recipients; it is applied once done, to the revision it was computed for.
    "POST /api/v1/agreements/{agreement_pk}/assistant/": r"agreement|recipient",
    "POST /api/v1/assistant-runs/{id}/apply/": r"run|version|suggestion",
    "POST /api/v1/comparisons/": r"agreements|weights|weight_intervals|snapshots.*",
    "POST /api/v1/analysis/smaa/": r"matrix|directions|weight_intervals",
    "POST /api/v1/analysis/dominance/": r"matrix|directions",
    "POST /api/v1/analysis/coalition/": r"costs|transfers",
    # Sensitivity: a recipient of the draft, runs and unfinished runs, points x samples,
    # complete sets of judgements, actors of the catalog, names unique per team.
    "GET /api/v1/agreements/{id}/sweep/": r"agreement|party|samples",
    "GET /api/v1/agreements/{id}/variance/": r"agreement|run",
    "POST /api/v1/weight-elicitation/": r"judgements.*|criteria",
    **{
        f"{method} /api/v1/scenarios/{suffix}": r"team|name|trust_shifts|capability_shifts"
        for method, suffix in (("POST", ""), ("PATCH", "{id}/"))
    },
    **{
        f"{method} /api/v1/weight-profiles/{suffix}": (
            r"team|name|weights|judgements.*|criteria|intervals|weight_intervals.*|spread"
        )
        for method, suffix in (("POST", ""), ("PATCH", "{id}/"))
    },
    "POST /api/v1/comparisons/dsa-ranking/": r"agreements|weights.*|snapshots.*",
    "GET /api/v1/analysis-jobs/{id}/": r"(?!)",
    "POST /api/v1/comparisons/scenarios/": (
        r"agreements|weights.*|weight_intervals.*|scenarios.*|snapshots.*"
    ),
    **{
        f"{method} /api/v1/agreements/{{agreement_pk}}/{section}/{suffix}": f"version|{allowed}"
        for section, fields in _SECTION_REFERENCES.items()
        for method, suffix, allowed in (
            ("POST", "", f"key|{fields}"),  # a key given twice
            ("PATCH", "{key}/", fields),
            ("DELETE", "{key}/", r"(?!)"),
        )
    },
    **{
        f"{method} /api/v1/catalog/{kind}/{suffix}": r"slug|default_levers"
        for kind in ("items", "commitments", "mechanism-types", "risk-kinds", "actors")
        for method, suffix in (("POST", ""), ("PUT", "{slug}/"), ("PATCH", "{slug}/"))
    },
    # The derived mechanism type's effect is fixed by the model; which entry is derived
    # is state.
    **{
        f"{method} /api/v1/catalog/mechanism-types/{{slug}}/": (
            r"slug|default_levers|effectiveness|erosion|cost|u_cost|derived"
        )
        for method in ("PUT", "PATCH")
    },
}


@schemathesis.check
def refused_only_for_state(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """A schema-valid request refused with 400 names only fields in ``STATE_DEPENDENT``."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    # The generators treat an unquoted If-Match (`0`) as valid though the schema's pattern
    # wants a quoted ETag; the API refuses it by name, which is the documented answer.
    allowed = re.compile(rf"If-Match|{STATE_DEPENDENT.get(case.operation.label, r'(?!)')}")
    errors = response.json().get("errors", {})
    unexplained = sorted(name for name in errors if not allowed.fullmatch(name))
    if unexplained:
        raise AssertionError(
            f"A schema-valid request was refused for {', '.join(unexplained)}; the schema "
            f"and the code disagree there: {response.text[:500]}"
        )
    return True


_AUTH_PROBED: set[str] = set()


@schemathesis.check
def ignored_auth_once(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """``ignored_auth`` (answers without credentials are 401s), probed once per operation
    as the schemathesis engine does (in pytest it would probe every 2xx answer)."""
    if case.operation.label in _AUTH_PROBED or not 200 <= response.status_code < 300:
        return None
    _AUTH_PROBED.add(case.operation.label)
    return ignored_auth(ctx, response, case)  # type: ignore[no-any-return]


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
    ignored_auth_once,
    unsupported_method,
    use_after_free,
    ensure_resource_availability,
    refused_only_for_state,
]

# --- Configuration ------------------------------------------------------------------------

ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
"""A schema-valid request's answers: 409 and 412 when it names a stale version."""
REFUSED = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428"]
REFUSED += ["429", "5xx"]
"""Refusals of input the schema forbids (a stale version or ETag is refused first)."""


def _operations() -> list[dict[str, Any]]:
    """Where state decides, a 400 may answer schema-valid input (``refused_only_for_state``
    then checks which fields it names)."""
    labels = "|".join(re.escape(label) for label in STATE_DEPENDENT)
    return [
        {
            "include-name-regex": f"^({labels})$",
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        },
        # Coverage (every field's boundaries and wrong types, one at a time) runs once
        # per body: a catalog update checks If-Match (an ETag no generator can guess)
        # before its body, which is the create's; a part's PATCH body is its POST body
        # (the same serializer) with nothing required. Fuzzing still runs on both.
        {
            "include-name-regex": r"^(PUT|PATCH) /api/v1/catalog/[^/]+/\{slug\}/$"
            r"|^PATCH /api/v1/agreements/\{agreement_pk\}/[a-z]+/\{key\}/$",
            "phases": {"coverage": {"enabled": False}},
        },
    ]


def _bind(name: str, probability: float = 0.5) -> dict[str, Any]:
    return {"dictionary": name, "probability": probability}


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261201,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "generation": {"mode": "all", "max-examples": 5, "allow-x00": False},
        "phases": {
            "examples": {"enabled": True, "fill-missing": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": 10},
        },
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ACCEPTED},
            "negative_data_rejection": {"expected-statuses": REFUSED},
            # RFC 6585: 428 is the answer to an update that sends no If-Match.
            "missing_required_header": {"expected-statuses": ["400", "401", "403", "428"]},
        },
        "dictionaries": {
            "ids": {"values": [*SEED_DRAFTS, SEED_RUN]},
            "versions": {"values": [1]},
            "etags": {"values": ['"1"']},
            "teams": {"values": [SEED_TEAM]},
            "keys": {"values": ["us", "jp", "br", "p1", "p2", "l1", "l2", "c1", "c2", "m1"]},
            "recipients": {"values": ["jp", "br"]},
            "phases": {"values": ["p1", "p2"]},
            "slugs": {"values": [*ITEMS, *COMMITMENTS, *MECHANISM_TYPES, *ACTORS, *TEMPLATES]},
            "items": {"values": ITEMS},
            "commitments": {"values": COMMITMENTS},
            "mechanism_types": {"values": MECHANISM_TYPES},
            "actors": {"values": ACTORS},
        },
        "parameters": {
            "path.agreement_pk": _bind("ids", 0.7),
            "path.id": _bind("ids", 0.7),
            "path.key": _bind("keys"),
            "path.slug": _bind("slugs"),
            "query.version": _bind("versions"),
            "body.version": _bind("versions"),
            "header.If-Match": _bind("etags", 0.3),
            "body.team": _bind("teams", 0.7),
            "body.agreements[*]": _bind("ids", 0.7),
            "body.item": _bind("items"),
            "body.commitment": _bind("commitments"),
            "body.type": _bind("mechanism_types"),
            "body.actor": _bind("actors"),
            "body.recipient": _bind("recipients"),
            "body.phase": _bind("phases"),
            "body.revision": _bind("versions"),
            "query.transfer_item": _bind("items"),
            "query.revision": _bind("versions"),
        },
        "operations": _operations(),
    }
)


# --- Fixtures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    headers: dict[str, str]


def _next_id(table: str, value: int) -> None:
    """Make the next row of ``table`` get id ``value`` (PostgreSQL or SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, value - 1]
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [value - 1, table]
            )


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker) -> Iterator[Seed]:
    """A team with two drafts (their first score run done) and an analyst who curates,
    committed for this module, with the ids the configuration names; removed after."""
    with django_db_blocker.unblock():
        team = TeamFactory(slug=SEED_TEAM, name="Fuzz")
        user = UserFactory(username="fuzz")
        MembershipFactory(team=team, user=user, role=Role.ANALYST)
        curator_grant(user=user)
        _next_id(Agreement._meta.db_table, SEED_DRAFTS[0])
        _next_id(ScoreRun._meta.db_table, SEED_RUN)
        drafts = [make_draft(team=team, author=user, lines=2, title=f"Seed {n}") for n in (1, 2)]
        assert [d.pk for d in drafts] == list(SEED_DRAFTS)
        assert ScoreRun.objects.get(pk=SEED_RUN).status == "done"
        token = Token.objects.create(user=user)
        try:
            yield Seed(headers={"Authorization": f"Token {token.key}"})
        finally:
            Agreement.objects.filter(team=team).delete()
            Membership.objects.filter(team=team).delete()
            Team.objects.filter(pk=team.pk).delete()
            user.delete()


@pytest.fixture(autouse=True)
def quiet_refusals() -> Iterator[None]:
    """Thousands of 4xx answers need no log lines (5xx ones are still logged)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def wsgi_keeps_db_connection() -> Iterator[None]:
    """Calling the WSGI app directly would close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


SETTINGS = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


_BODY_TYPE_MUTATIONS: set[tuple[str, str]] = set()


def repeats_a_body_type_mutation(case: Any) -> bool:
    """Whether coverage already sent this body field another wrong JSON type.

    Coverage sends each field every wrong type (a number as text, null, a list...); in
    a JSON body each is refused by the same check (``core.api.json_type_errors``), so
    one per field is enough. Query and path values are text on the wire, where each
    spelling is parsed differently, so they all go.
    """
    data = case.meta.phase.data if case.meta else None
    if getattr(data, "scenario", None) != CoverageScenario.INCORRECT_TYPE:
        return False
    if data.parameter_location != ParameterLocation.BODY:
        return False
    key = (case.operation.label, data.location or data.description)
    seen = key in _BODY_TYPE_MUTATIONS
    _BODY_TYPE_MUTATIONS.add(key)
    return seen


SEED_PATH = {"agreement_pk": SEED_DRAFTS[0], "id": SEED_RUN, "number": 1}
SEED_PART_KEYS = {"parties": "jp", "phases": "p1", "lines": "l1", "conditions": "c1"}
SEED_PART_KEYS["mechanisms"] = "m1"
SEED_SLUGS = {"items": ITEMS[0], "commitments": COMMITMENTS[0], "actors": ACTORS[1]}
SEED_SLUGS |= {"mechanism-types": MECHANISM_TYPES[0], "risk-kinds": "framing"}
SEED_SLUGS["templates"] = TEMPLATES[0]


def aim_at_seed(case: Any) -> None:
    """Point a coverage case's valid ids, keys, slugs and versions at the seed.

    Coverage builds its cases from the schema alone (draft 0, key "0"), so without this
    every write to a draft would stop at "not found" before its body is read. Fuzzing
    draws these values from the configured dictionaries instead; a component the case
    makes invalid on purpose is left alone.
    """
    meta = case.meta
    if meta is None or meta.phase.name.value != "coverage":
        return

    def valid(location: ParameterLocation) -> bool:
        component = meta.components.get(location)
        return component is not None and component.mode.is_positive

    segments = case.operation.path.strip("/").split("/")
    if valid(ParameterLocation.PATH):
        for name in case.path_parameters:
            if name in SEED_PATH:
                case.path_parameters[name] = SEED_PATH[name]
        if "key" in case.path_parameters:
            case.path_parameters["key"] = SEED_PART_KEYS[segments[-2]]
        if "slug" in case.path_parameters:
            case.path_parameters["slug"] = SEED_SLUGS[segments[segments.index("{slug}") - 1]]
    if valid(ParameterLocation.QUERY) and "version" in (case.query or {}):
        case.query["version"] = 1
    if valid(ParameterLocation.BODY) and isinstance(case.body, dict) and "version" in case.body:
        case.body["version"] = 1


# --- The tests ------------------------------------------------------------------------------


@pytest.fixture
def api_schema(seed: Seed, wsgi_keeps_db_connection: None) -> Any:
    """The live schema, loaded when the test runs (so collecting the suite stays quick)."""
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


@contextmanager
def undone() -> Iterator[None]:
    """Roll back whatever the block wrote, so every case starts from the seed."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def quick_scores(settings: Any) -> None:
    """Runs a write queues score with the fewest Monte Carlo samples allowed (the shape
    of a result does not depend on their number)."""
    settings.WINDFALL_SCORE_SAMPLES = 100


@pytest.mark.django_db
@lazy_schema.parametrize()
@SETTINGS
def test_every_operation_keeps_its_contract(case, seed, django_capture_on_commit_callbacks):
    if repeats_a_body_type_mutation(case):
        return
    aim_at_seed(case)
    with undone(), django_capture_on_commit_callbacks(execute=True):  # queued runs run
        case.call_and_validate(headers=seed.headers, checks=CHECKS)


@pytest.mark.django_db
def test_workflows_across_operations_keep_the_contract(
    api_schema, seed, django_capture_on_commit_callbacks
):
    """Stateful: chains of calls that pass ids, keys and versions from answer to request;
    each chain starts from the seed."""

    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.scenario = undone()
            self.scenario.__enter__()

        def teardown(self) -> None:
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": seed.headers}

        def call(self, case: Any, **kwargs: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                return case.call(**kwargs)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, headers=seed.headers)

    Workflow.run(settings=settings(SETTINGS, max_examples=10, stateful_step_count=10))
