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
            assert 0 <= attribute["value"] <= 1, (item.slug, attribute["key"])
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
        "hardware_governance": (0.65, 0.3), "phased_reversible": (0.50, 0.4),
    }  # fmt: skip
    stored = {m.slug: (m.effectiveness, m.erosion) for m in MechanismType.objects.all()}
    assert stored == table
    assert MechanismType.objects.get(slug="phased_reversible").derived


def test_derived_phased_mechanism_matches_the_engine_parameters():
    phased = MechanismType.objects.get(slug="phased_reversible")
    assert phased.slug == DEFAULT_PARAMETERS.phased_slug
    assert (phased.effectiveness, phased.erosion) == (
        DEFAULT_PARAMETERS.phased_effectiveness,
        DEFAULT_PARAMETERS.phased_erosion,
    )


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
