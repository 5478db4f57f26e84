"""The shipped catalog is complete, in range and explained."""

import pytest

from catalog.choices import Cluster, PowerLabel
from catalog.models import Actor, BenefitItem, Commitment, MechanismType, RiskKind
from scoring.engine import DEFAULT_PARAMETERS

pytestmark = pytest.mark.django_db

REQUIRED_BENEFITS = {
    Cluster.FINANCIAL_RESOURCE: [
        "monetary-aid-governments", "direct-citizen-transfers", "ai-index-profit-share",
        "energy-natural-resources", "space-resources", "physical-infrastructure",
        "clean-air-technology", "disaster-prediction-response", "healthcare-technology",
        "renewable-energy-technology", "disaster-insurance", "ai-investment-fund-access",
        "education-investment",
    ],
    Cluster.FRONTIER_AI: [
        "monitored-api-access", "narrow-models", "older-generation-models", "model-weights",
        "monitored-inference-compute", "governed-training-compute", "datasets",
        "algorithmic-insights", "expertise-training", "model-meta-information",
    ],
    Cluster.SEATS_AT_TABLE: [
        "evaluation-suite-input", "technical-safety-effort", "ethics-working-groups",
        "deployment-decision-rights", "veto-authority", "regular-information-updates",
        "high-stakes-convention-invitations",
    ],
    Cluster.NATIONAL_SECURITY: [
        "security-guarantee", "counter-terrorism-intelligence", "counter-terrorism-technology",
        "space-early-warning", "bioweapon-defence", "missile-defence", "cybersecurity-assistance",
        "no-offensive-ai-commitment", "refusing-ai-commitment", "offensive-military-technology",
    ],
    Cluster.OTHER: [
        "surveillance-trade-assurances", "diplomatic-assurances-people", "ai-policy-advisory-body",
    ],
}  # fmt: skip
LEVER_ITEMS = {
    "monitored-api-access", "narrow-models", "older-generation-models", "model-weights",
    "monitored-inference-compute", "governed-training-compute",
}  # fmt: skip
POWER_SHARING = {
    "model-weights", "veto-authority", "deployment-decision-rights",
    "offensive-military-technology",
}  # fmt: skip
REQUIRED_COMMITMENTS = {
    "domestic-safety-regulation", "non-proliferation", "halt-frontier-development",
    "stop-frontier-development", "secure-model-weights", "export-control-alignment",
    "supply-chain-security", "accept-inspections", "hardware-governance",
}  # fmt: skip
REQUIRED_ACTORS = {
    "us", "cn", "eu", "uk", "jp", "kr", "tw", "in", "ca", "fr", "de", "il", "ae", "sa",
    "br", "id", "ng", "za", "ru", "sg",
}  # fmt: skip


def test_every_benefit_the_essay_names_is_present_in_its_cluster():
    clusters = dict(BenefitItem.objects.values_list("slug", "cluster"))
    for cluster, slugs in REQUIRED_BENEFITS.items():
        for slug in slugs:
            assert clusters.get(slug) == cluster, f"{slug} missing or not in {cluster}"


def test_every_cluster_is_populated():
    populated = set(BenefitItem.objects.values_list("cluster", flat=True))
    assert populated == set(Cluster.values)


def test_every_item_attribute_is_in_range_with_a_rationale():
    for item in BenefitItem.objects.all():
        for attribute in item.attributes():
            low = -1 if attribute["key"] == "q" else 0
            assert low <= attribute["value"] <= 1, (item.slug, attribute["key"])
            assert 0 <= attribute["uncertainty"] <= 0.5, (item.slug, attribute["key"])
            assert len(attribute["rationale"].strip()) > 20, (item.slug, attribute["key"])
        assert item.summary and item.description


def test_frontier_access_items_have_levers_and_valid_defaults():
    for item in BenefitItem.objects.filter(slug__in=LEVER_ITEMS):
        assert item.levers_apply, item.slug
        item.full_clean()  # default levers validated by the model


def test_power_sharing_items_are_labelled_so_and_aid_is_not():
    labels = dict(BenefitItem.objects.values_list("slug", "label"))
    for slug in POWER_SHARING:
        assert labels[slug] == PowerLabel.POWER_SHARING, slug
    for slug in REQUIRED_BENEFITS[Cluster.FINANCIAL_RESOURCE]:
        assert labels[slug] == PowerLabel.BENEFIT_SHARING, slug


def test_commitments_have_every_attribute_and_rationale():
    slugs = set(Commitment.objects.values_list("slug", flat=True))
    assert slugs >= REQUIRED_COMMITMENTS
    for commitment in Commitment.objects.all():
        for name in ("burden", "verifiability", "restraint", "race_framing"):
            assert getattr(commitment, f"rationale_{name}").strip(), (commitment.slug, name)
    restraint = set(Commitment.objects.filter(restraint=True).values_list("slug", flat=True))
    assert {"halt-frontier-development", "stop-frontier-development"} <= restraint


def test_mechanism_types_match_the_scoring_model_table():
    table = {
        "track_record": (0.35, 0.9), "verification_body": (0.60, 0.6),
        "peer_evaluation": (0.40, 0.7), "treaty": (0.50, 0.8),
        "prespecified_consequences": (0.45, 0.9), "escrow": (0.80, 0.5),
        "hardware_governance": (0.65, 0.3), "phased_reversible": (0.40, 0.4),
    }  # fmt: skip
    stored = {m.slug: (m.effectiveness, m.erosion) for m in MechanismType.objects.all()}
    assert stored == table
    assert MechanismType.objects.get(slug="phased_reversible").derived


def test_derived_mechanism_is_staged_reciprocity_and_costs_nothing():
    """Section 4: e = 0.4, eps = 0.4; the engine reads the catalog row by this slug."""
    staged = MechanismType.objects.get(slug=DEFAULT_PARAMETERS.phased_slug)
    assert staged.name == "Staged reciprocity" and staged.derived
    assert (staged.effectiveness, staged.erosion, staged.cost) == (0.4, 0.4, 0.0)
    assert "later phase" in staged.description and "reversible" in staged.description


EXPENSIVE_TO_CHEAP = ["escrow", "hardware_governance", "verification_body", "treaty"]


def test_every_mechanism_type_has_a_cost_in_range_explained_in_its_rationale():
    for mechanism in MechanismType.objects.all():
        assert 0 <= mechanism.cost <= 5 and 0 <= mechanism.u_cost <= 0.5, mechanism.slug
        assert "cost" in mechanism.rationale, mechanism.slug
    costs = dict(MechanismType.objects.values_list("slug", "cost"))
    assert [costs[s] for s in EXPENSIVE_TO_CHEAP] == sorted(
        (costs[s] for s in EXPENSIVE_TO_CHEAP), reverse=True
    )
    assert costs["track_record"] < costs["treaty"] and costs["escrow"] == max(costs.values())


STABILISING = {
    "no-offensive-ai-commitment", "refusing-ai-commitment", "space-early-warning",
    "bioweapon-defence", "cybersecurity-assistance",
}  # fmt: skip
DESTABILISING = {"missile-defence", "offensive-military-technology", "security-guarantee"}


def test_stabilising_items_have_negative_q_and_destabilising_ones_positive():
    q = dict(BenefitItem.objects.values_list("slug", "q"))
    assert {slug for slug, value in q.items() if value < 0} == STABILISING
    assert all(q[slug] > 0.5 for slug in DESTABILISING)
    for item in BenefitItem.objects.filter(slug__in=STABILISING):
        assert "stabilising" in item.rationale_q.lower(), item.slug
        assert item.q - item.u_q >= -1, item.slug


PROVIDER_VALUES = {
    "halt-frontier-development": 2.5, "stop-frontier-development": 2.5,
    "supply-chain-security": 1.9, "non-proliferation": 1.9,
    "export-control-alignment": 1.5, "secure-model-weights": 1.5,
    "domestic-safety-regulation": 1.25, "hardware-governance": 1.25,
    "accept-inspections": 0.6,
}  # fmt: skip


def test_commitments_have_provider_values_and_capability_scaling_explained():
    for commitment in Commitment.objects.all():
        assert 0 <= commitment.provider_value <= 5, commitment.slug
        for name in ("provider_value", "capability_scaled"):
            rationale = getattr(commitment, f"rationale_{name}")
            assert len(rationale.strip()) > 20 and "Not curated" not in rationale
        assert commitment.capability_scaled == commitment.restraint, commitment.slug
    stored = dict(Commitment.objects.values_list("slug", "provider_value"))
    assert {slug: stored[slug] for slug in PROVIDER_VALUES} == PROVIDER_VALUES


SPEC_NEED_THREAT = {
    "us": (0.1, 0.2), "cn": (0.2, 0.5), "eu": (0.2, 0.4), "uk": (0.2, 0.4),
    "fr": (0.2, 0.4), "de": (0.2, 0.4), "jp": (0.2, 0.6), "kr": (0.25, 0.8),
    "tw": (0.25, 0.95), "in": (0.7, 0.6), "br": (0.6, 0.3), "ae": (0.2, 0.5),
    "ng": (0.9, 0.5),
}  # fmt: skip
"""Scoring model 2027.1's provisional values, which the catalog keeps."""


def test_every_actor_has_need_threat_and_outside_option_explained():
    for actor in Actor.objects.all():
        assert 0 <= actor.need <= 1 and 0 <= actor.threat <= 1, actor.slug
        assert 0 <= actor.u_need <= 0.5 and 0 <= actor.u_threat <= 0.5, actor.slug
        assert -5 <= actor.outside_option <= 10 and 0 <= actor.u_outside_option <= 2
        for name in ("need", "threat", "outside_option"):
            rationale = getattr(actor, f"rationale_{name}")
            assert len(rationale.strip()) > 20 and "Not curated" not in rationale, (
                actor.slug,
                name,
            )
    stored = {a.slug: (a.need, a.threat) for a in Actor.objects.all()}
    assert {slug: stored[slug] for slug in SPEC_NEED_THREAT} == SPEC_NEED_THREAT
    assert set(Actor.objects.values_list("outside_option", flat=True)) == {0.0}


def test_actor_profiles_cover_the_first_states_with_rationales():
    assert set(Actor.objects.values_list("slug", flat=True)) >= REQUIRED_ACTORS
    for actor in Actor.objects.all():
        for name in ("capability", "security", "trust"):
            assert 0 <= getattr(actor, name) <= 1
            assert getattr(actor, f"rationale_{name}").strip(), (actor.slug, name)


def test_five_risk_kinds_with_weights_summing_to_one():
    weights = dict(RiskKind.objects.values_list("slug", "default_weight"))
    assert set(weights) == {"proliferation", "instability", "perverse", "signalling", "framing"}
    assert sum(weights.values()) == pytest.approx(1.0)
