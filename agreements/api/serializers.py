"""API serializers for drafts: output shapes, and input shapes (business rules live in
``agreements.document`` and the services)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.choices import Covers, Purpose, Role, Status
from agreements.document import DOCUMENT_FORMAT
from agreements.models import Agreement, ReferenceTemplate, Revision
from catalog.choices import LEVER_CHOICES, MAX_GENERATION_LAG, Alignment

KEY_FIELD = {"max_length": 32, "help_text": "Stable key of the part within the draft."}


# --- Parts of a document ------------------------------------------------------------


class LeversSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(LEVER_CHOICES["scope"], required=False)
    generation_lag = serializers.IntegerField(
        min_value=0, max_value=MAX_GENERATION_LAG, required=False
    )
    output_controls = serializers.ChoiceField(LEVER_CHOICES["output_controls"], required=False)
    monitoring = serializers.ChoiceField(LEVER_CHOICES["monitoring"], required=False)
    access_mode = serializers.ChoiceField(LEVER_CHOICES["access_mode"], required=False)
    throttling = serializers.ChoiceField(LEVER_CHOICES["throttling"], required=False)
    disclosure = serializers.ChoiceField(LEVER_CHOICES["disclosure"], required=False)


class PartySerializer(serializers.Serializer):
    key = serializers.SlugField(**KEY_FIELD, required=False)
    actor = serializers.SlugField(allow_null=True, required=False, help_text="Actor profile slug.")
    name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    role = serializers.ChoiceField(Role.choices)
    alignment = serializers.ChoiceField(Alignment.choices, allow_null=True, required=False)
    trust = serializers.FloatField(min_value=0, max_value=1, allow_null=True, required=False)
    capability = serializers.FloatField(min_value=0, max_value=1, allow_null=True, required=False)
    security = serializers.FloatField(min_value=0, max_value=1, allow_null=True, required=False)
    note = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class PhaseSerializer(serializers.Serializer):
    key = serializers.SlugField(**KEY_FIELD, required=False)
    order = serializers.IntegerField(min_value=1, max_value=100, required=False)
    name = serializers.CharField(max_length=120)
    reversible = serializers.BooleanField(default=True)
    description = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class LineSerializer(serializers.Serializer):
    key = serializers.SlugField(**KEY_FIELD, required=False)
    item = serializers.SlugField(help_text="Benefit item slug.")
    recipient = serializers.SlugField(help_text="Key of a recipient party.")
    magnitude = serializers.FloatField(min_value=0, max_value=1, help_text="In (0, 1].")
    phase = serializers.SlugField(allow_null=True, required=False)
    levers = LeversSerializer(allow_null=True, required=False)
    note = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class ConditionSerializer(serializers.Serializer):
    key = serializers.SlugField(**KEY_FIELD, required=False)
    commitment = serializers.SlugField(help_text="Commitment slug.")
    recipient = serializers.SlugField(help_text="Key of a recipient party.")
    burden = serializers.FloatField(min_value=0, max_value=1, allow_null=True, required=False)
    verifiability = serializers.FloatField(
        min_value=0, max_value=1, allow_null=True, required=False
    )
    reversible = serializers.BooleanField(default=False)
    phase = serializers.SlugField(allow_null=True, required=False)
    note = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class MechanismSerializer(serializers.Serializer):
    key = serializers.SlugField(**KEY_FIELD, required=False)
    type = serializers.SlugField(help_text="Mechanism type slug (not the derived phased one).")
    strength = serializers.FloatField(min_value=0, max_value=1)
    covers = serializers.ChoiceField(Covers.choices, default=Covers.BOTH)
    note = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class ScenarioSerializer(serializers.Serializer):
    dsa = serializers.FloatField(min_value=0, max_value=1, required=False)
    dsa_uncertainty = serializers.FloatField(
        min_value=0, max_value=0.5, allow_null=True, required=False
    )
    omega = serializers.FloatField(min_value=0, max_value=1, allow_null=True, required=False)
    omega_uncertainty = serializers.FloatField(
        min_value=0, max_value=0.5, allow_null=True, required=False
    )
    min_participation = serializers.IntegerField(min_value=0, max_value=60, required=False)
    risk_weights = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=1), allow_null=True, required=False
    )


class DocumentSerializer(serializers.Serializer):
    """A whole draft as JSON (``format: windfall.agreement/1``); exports round-trip exactly."""

    format = serializers.ChoiceField([DOCUMENT_FORMAT], default=DOCUMENT_FORMAT)
    title = serializers.CharField(max_length=200)
    purpose = serializers.ChoiceField(Purpose.choices, default=Purpose.OTHER)
    status = serializers.ChoiceField(Status.choices, default=Status.DRAFT)
    notes = serializers.CharField(allow_blank=True, required=False)
    scenario = ScenarioSerializer(required=False)
    parties = PartySerializer(many=True, required=False)
    phases = PhaseSerializer(many=True, required=False)
    lines = LineSerializer(many=True, required=False)
    conditions = ConditionSerializer(many=True, required=False)
    mechanisms = MechanismSerializer(many=True, required=False)


PART_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "parties": PartySerializer,
    "phases": PhaseSerializer,
    "lines": LineSerializer,
    "conditions": ConditionSerializer,
    "mechanisms": MechanismSerializer,
}


def versioned(serializer: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """``serializer`` plus the ``version`` every write must name."""
    return type(
        name,
        (serializer,),
        {
            "version": serializers.IntegerField(
                min_value=0,
                required=False,
                help_text="The draft version this write edits (or send If-Match).",
            )
        },
    )


# --- Scores ---------------------------------------------------------------------------


class ScoreSummarySerializer(serializers.Serializer):
    run = serializers.IntegerField(source="pk")
    revision = serializers.IntegerField(source="revision_number")
    current = serializers.SerializerMethodField()
    stale = serializers.BooleanField()
    label = serializers.CharField()
    credibility = serializers.FloatField(allow_null=True)
    risk_overall = serializers.FloatField(allow_null=True)
    power_sharing = serializers.FloatField(allow_null=True)
    min_net_incentive = serializers.FloatField(allow_null=True)
    warning_count = serializers.IntegerField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_current(self, run: Any) -> bool:
        return (
            run.revision_number == self.context["versions"].get(run.agreement_id) and not run.stale
        )


# --- Drafts ---------------------------------------------------------------------------


class AgreementListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:agreement-detail")
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    latest_score = serializers.SerializerMethodField()
    latest_run_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "url",
            "title",
            "purpose",
            "status",
            "team",
            "version",
            "created_at",
            "updated_at",
            "updated_by",
            "latest_score",
            "latest_run_status",
        ]

    @extend_schema_field(ScoreSummarySerializer(allow_null=True))
    def get_latest_score(self, agreement: Agreement) -> dict[str, Any] | None:
        run = self.context.get("scores", {}).get(getattr(agreement, "latest_score_id", None))
        if run is None:
            return None
        context = {"versions": {agreement.pk: agreement.version}}
        return dict(ScoreSummarySerializer(run, context=context).data)


class AgreementDetailSerializer(AgreementListSerializer):
    document = serializers.SerializerMethodField()
    forked_from = serializers.SerializerMethodField()

    class Meta(AgreementListSerializer.Meta):
        fields = [*AgreementListSerializer.Meta.fields, "template_slug", "forked_from", "document"]

    @extend_schema_field(DocumentSerializer)
    def get_document(self, agreement: Agreement) -> dict[str, Any]:
        return self.context["document"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_forked_from(self, agreement: Agreement) -> dict[str, Any] | None:
        source = agreement.forked_from
        if source is None:
            return None
        return {"agreement": source.agreement_id, "revision": source.number}


class AgreementCreateSerializer(serializers.Serializer):
    team = serializers.SlugField(help_text="Slug of a team where you are an analyst.")
    title = serializers.CharField(max_length=200)
    purpose = serializers.ChoiceField(Purpose.choices, default=Purpose.OTHER)
    notes = serializers.CharField(allow_blank=True, required=False, default="")


class AgreementUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, required=False)
    title = serializers.CharField(max_length=200, required=False)
    purpose = serializers.ChoiceField(Purpose.choices, required=False)
    status = serializers.ChoiceField(Status.choices, required=False)
    notes = serializers.CharField(allow_blank=True, required=False)
    dsa = serializers.FloatField(min_value=0, max_value=1, required=False)
    dsa_uncertainty = serializers.FloatField(
        min_value=0, max_value=0.5, allow_null=True, required=False
    )
    omega = serializers.FloatField(min_value=0, max_value=1, allow_null=True, required=False)
    omega_uncertainty = serializers.FloatField(
        min_value=0, max_value=0.5, allow_null=True, required=False
    )
    min_participation = serializers.IntegerField(min_value=0, max_value=60, required=False)
    risk_weights = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=1),
        allow_null=True,
        required=False,
        help_text="Weights of proliferation, instability, perverse, signalling, framing.",
    )
    message = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ImportSerializer(serializers.Serializer):
    team = serializers.SlugField(help_text="Slug of a team where you are an analyst.")
    document = DocumentSerializer()


class ForkSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RestoreSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, required=False)
    revision = serializers.IntegerField(min_value=1)


class ScoreRequestSerializer(serializers.Serializer):
    n_samples = serializers.IntegerField(min_value=100, max_value=100_000, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**48, required=False)


class PhaseOrderSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, required=False)
    keys = serializers.ListField(child=serializers.SlugField(max_length=32), max_length=20)


class RevisionSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Revision
        fields = ["number", "author", "message", "created_at"]


class RevisionDetailSerializer(RevisionSerializer):
    document = DocumentSerializer()

    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "document"]


class ChangeSerializer(serializers.Serializer):
    section = serializers.CharField()
    key = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(["added", "removed", "changed"])
    label = serializers.CharField()
    fields = serializers.ListField(child=serializers.DictField())


class DiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    changes = ChangeSerializer(many=True)


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferenceTemplate
        fields = ["slug", "title", "summary", "rationale"]


class TemplateDetailSerializer(TemplateSerializer):
    document = DocumentSerializer()

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "document"]


class TemplateStartSerializer(serializers.Serializer):
    team = serializers.SlugField(help_text="Slug of a team where you are an analyst.")
