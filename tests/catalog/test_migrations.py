"""Migration 0002 (model 2027.1 inputs) upgrades an old database with sensible values."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog.services import catalog_load

BEFORE = [("catalog", "0001_initial")]
AFTER = [("catalog", "0002_model_2027_1_inputs")]


def _latest() -> list[tuple[str, str]]:
    """Every app's newest migration (where the rest of the suite expects the schema)."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards():
    """Whatever happens in the test, leave the database at the newest migrations."""
    yield
    _migrate(_latest())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_old_rows_get_the_defaults_then_the_provisional_values():
    old = _migrate(BEFORE)
    common = {"locally_modified": True, "created_at": "2026-01-01T00:00Z"}
    common["updated_at"] = common["created_at"]
    old.get_model("catalog", "Actor").objects.all().delete()
    old.get_model("catalog", "Actor").objects.create(
        slug="tw", name="Taiwan", alignment="ally", capability=0.4, u_capability=0.1,
        rationale_capability="x", security=0.5, u_security=0.1, rationale_security="x",
        trust=0.65, u_trust=0.1, rationale_trust="x", **common,
    )  # fmt: skip
    old.get_model("catalog", "Actor").objects.create(
        slug="zz", name="Elsewhere", alignment="neutral", capability=0.1, u_capability=0.1,
        rationale_capability="x", security=0.5, u_security=0.1, rationale_security="x",
        trust=0.5, u_trust=0.1, rationale_trust="x", **common,
    )  # fmt: skip
    # Two curator-edited shipped entries (created here when an earlier test flushed them).
    old.get_model("catalog", "Commitment").objects.update_or_create(
        slug="halt-frontier-development",
        defaults={"name": "Halt frontier development", "restraint": True, **common},
    )
    old.get_model("catalog", "MechanismType").objects.update_or_create(
        slug="escrow", defaults={"name": "Escrow arrangement", **common}
    )

    new = _migrate(AFTER)
    actors = {a.slug: a for a in new.get_model("catalog", "Actor").objects.all()}
    assert (actors["tw"].need, actors["tw"].threat) == (0.25, 0.95)
    assert (actors["zz"].need, actors["zz"].threat, actors["zz"].outside_option) == (0.5, 0.5, 0)
    assert actors["zz"].rationale_need.startswith("Not curated yet")
    halt = new.get_model("catalog", "Commitment").objects.get(slug="halt-frontier-development")
    assert halt.provider_value == 2.5 and halt.capability_scaled
    assert new.get_model("catalog", "MechanismType").objects.get(slug="escrow").cost > 0

    _migrate(_latest())
    catalog_load()  # the curated values reach the kept entries' never-curated inputs
    from catalog.models import Actor, Commitment

    taiwan = Actor.objects.get(slug="tw")
    assert taiwan.locally_modified and taiwan.trust == 0.65
    assert not taiwan.rationale_threat.startswith("Provisional")
    assert "frontier" in Commitment.objects.get(slug=halt.slug).rationale_capability_scaled
