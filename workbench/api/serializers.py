"""API serializers for drafts: output shapes, and input shapes (business rules live in
``agreements.document`` and the services). The parts of a draft are in ``parts``."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements import selectors as agreement_selectors
from agreements import shape
from agreements.choices import Purpose
from agreements.models import Agreement, ReferenceTemplate, Revision
from catalog.choices import PowerLabel
from core.api import (
    KEY_REGEX,
    StrictSerializer,
    TemplatedIdentityField,
    TextField,
    key_field,
    slug_field,
)
from scoring.models import RunStatus
from workbench.api.parts import (
    MAX_INT,
    DocumentInputSerializer,
    DocumentSerializer,
    input_field,
    version_field,
)
from workbench.selectors import DraftRow

# --- Scores ---------------------------------------------------------------------------


class LatestScoreSerializer(serializers.Serializer):
    """The headline numbers of a draft's newest finished score run."""

    run = serializers.IntegerField(source="pk")
    revision = serializers.IntegerField(source="revision_number")
    current = serializers.SerializerMethodField()
    stale = serializers.BooleanField()
    label = serializers.ChoiceField(PowerLabel.choices)  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
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
    url = TemplatedIdentityField(view_name="api:agreement-detail")
    team: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    updated_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    latest_score = serializers.SerializerMethodField()
    latest_run_status = serializers.ChoiceField(
        RunStatus.choices,
        read_only=True,
        allow_null=True,
        help_text="Status of the most recently requested score run (null: none yet).",
    )

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

    @extend_schema_field(LatestScoreSerializer(allow_null=True))
    def get_latest_score(self, agreement: Agreement) -> dict[str, Any] | None:
        run = self.context.get("scores", {}).get(getattr(agreement, "latest_score_id", None))
        if run is None:
            return None
        summary = self.__dict__.get("_summary")
        if summary is None:  # one per list (a module-wide one would be shared by threads)
            summary = self.__dict__["_summary"] = LatestScoreSerializer(context={"versions": {}})
        cast(dict[str, Any], summary.context)["versions"] = {agreement.pk: agreement.version}
        return dict(summary.to_representation(run))


class ForkedFromSerializer(serializers.Serializer):
    agreement = serializers.IntegerField(help_text="The draft this one was forked from.")
    revision = serializers.IntegerField(help_text="The revision of that draft it copies.")


class AgreementDetailSerializer(AgreementListSerializer):
    document = serializers.SerializerMethodField()
    forked_from = serializers.SerializerMethodField()

    class Meta(AgreementListSerializer.Meta):
        fields = [*AgreementListSerializer.Meta.fields, "template_slug", "forked_from", "document"]

    @extend_schema_field(DocumentSerializer)
    def get_document(self, agreement: Agreement) -> dict[str, Any]:
        return self.context["document"]

    @extend_schema_field(ForkedFromSerializer(allow_null=True))
    def get_forked_from(self, agreement: Agreement) -> dict[str, Any] | None:
        source = agreement_selectors.fork_source(agreement)
        if source is None:
            return None
        return {"agreement": source["agreement"], "revision": source["number"]}


def title_field(**kwargs: Any) -> TextField:
    return TextField(max_length=200, **kwargs)


def team_field() -> serializers.Field:
    return slug_field(help_text="Slug of a team where you are an analyst.")


class AgreementCreateSerializer(StrictSerializer):
    team = team_field()
    title = title_field()
    purpose = serializers.ChoiceField(Purpose.choices, default=Purpose.OTHER)
    notes = TextField(max_length=20_000, allow_blank=True, required=False, default="")


AgreementUpdateSerializer = type(
    "AgreementUpdateSerializer",
    (StrictSerializer,),
    {
        "__doc__": "The draft fields and scenario values to change (the others keep theirs), "
        "and the version edited.",
        "version": version_field(),
        **{spec.name: input_field(spec) for spec in shape.SCENARIO},
        **{spec.name: input_field(spec) for spec in shape.DRAFT},
        "message": TextField(max_length=300, required=False, allow_blank=True),
    },
)


class ImportSerializer(StrictSerializer):
    team = team_field()
    document = DocumentInputSerializer()


class ForkSerializer(StrictSerializer):
    title = title_field(required=False, allow_blank=True, help_text='Default: "… (fork)".')


class RestoreSerializer(StrictSerializer):
    version = version_field()
    revision = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, help_text="The revision to make current again."
    )


class ScoreRequestSerializer(StrictSerializer):
    n_samples = serializers.IntegerField(min_value=100, max_value=100_000, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=2**48, required=False)


class PhaseOrderSerializer(StrictSerializer):
    version = version_field()
    keys = serializers.ListField(
        child=key_field(), max_length=20, help_text="Every phase key, in the new order."
    )


class RevisionSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Revision
        fields = ["number", "author", "message", "created_at"]


class RevisionDetailSerializer(RevisionSerializer):
    document = DocumentSerializer()

    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "document"]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field, in words (`min participation`).")
    old = serializers.JSONField(allow_null=True, help_text="The old value (null: none).")
    new = serializers.JSONField(allow_null=True, help_text="The new value (null: none).")
    old_text = serializers.CharField(help_text="The old value as shown on the page.")
    new_text = serializers.CharField(help_text="The new value as shown on the page.")


class ChangeSerializer(serializers.Serializer):
    section = serializers.ChoiceField(
        ["draft", "parties", "phases", "lines", "conditions", "mechanisms"],
        help_text="`draft` (title, notes and scenario) or a list of parts.",
    )
    key = serializers.CharField(allow_null=True, help_text="The part's key (null for `draft`).")
    kind = serializers.ChoiceField(["added", "removed", "changed"])
    label = serializers.CharField()  # type: ignore[assignment]  # DRF stubs: a field named like an attribute
    fields = FieldChangeSerializer(many=True)  # type: ignore[assignment]  # DRF stubs: a field named like an attribute


class DiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    changes = ChangeSerializer(many=True)


class DiffParamsSerializer(serializers.Serializer):
    """``?from=`` and ``?to=`` of a diff (query strings are text, so these are not strict)."""

    to = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        help_text="Newer revision (default: latest).",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(
            min_value=1, max_value=MAX_INT, help_text="Older revision number."
        )
        return fields


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferenceTemplate
        fields = ["slug", "title", "summary", "rationale"]


class TemplateDetailSerializer(TemplateSerializer):
    document = DocumentSerializer()

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "document"]


class TemplateStartSerializer(StrictSerializer):
    team = team_field()


class NegotiationParamsSerializer(serializers.Serializer):
    """``?revision=`` and ``?transfer_item=`` of a negotiation view."""

    revision = serializers.IntegerField(
        min_value=1, max_value=MAX_INT, required=False, help_text="Default: the latest."
    )
    transfer_item = serializers.SlugField(
        max_length=80,
        required=False,
        help_text="Benefit item slug offered as the extra transfer (default: "
        "`monetary-aid-governments`).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """A parameter given empty is refused (DRF would read it as absent)."""
        names = ("revision", "transfer_item")
        blank = [n for n in names if self.initial_data.get(n, None) == ""]
        if blank:
            raise serializers.ValidationError(
                {name: ["May not be blank; leave it out for the default."] for name in blank}
            )
        return attrs


class SuggestionParamsSerializer(serializers.Serializer):
    """The query of a suggestions request."""

    goal = serializers.ChoiceField(
        ["sign", "in_force", "credibility", "risk"],
        help_text="`sign` (make `recipient` sign), `in_force` (bring the agreement closer to "
        "entering into force: every recipient, or a coalition's threshold, signing), "
        "`credibility` (raise it) or `risk` (lower overall risk while every recipient that "
        "signs still does).",
    )
    recipient = serializers.RegexField(
        KEY_REGEX, required=False, help_text="Recipient key; required for `sign`."
    )
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)
    risk_max = serializers.FloatField(min_value=0, max_value=1, required=False)
    keep_label = serializers.ChoiceField(
        ["benefit_sharing", "borderline", "power_sharing"], required=False
    )


class SuggestionApplySerializer(StrictSerializer):
    """Apply one suggested edit as one new revision."""

    version = version_field()
    description = TextField(max_length=500, help_text="The suggestion's description.")
    edit = serializers.DictField(help_text="The suggestion's `edit`, as it was answered.")


class AssistantRequestSerializer(StrictSerializer, SuggestionParamsSerializer):
    """Ask the design assistant in the background: single edits or a package."""

    closed = True

    kind = serializers.ChoiceField(
        ["suggestions", "package"],
        help_text="`suggestions`: the ranked single edits for `goal`; `package`: the cheapest "
        "set of up to `max_edits` edits that brings the agreement into force.",
    )
    goal = serializers.ChoiceField(
        ["sign", "in_force", "credibility", "risk"],
        required=False,
        help_text="For `suggestions` (default `in_force`); see the suggestions endpoint.",
    )
    max_edits = serializers.IntegerField(min_value=1, max_value=4, default=4)
    revision = serializers.IntegerField(
        min_value=1, required=False, help_text="The revision to answer for (default: latest)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == "suggestions":
            attrs.setdefault("goal", "in_force")
        return attrs


class AssistantApplySerializer(StrictSerializer):
    """Apply a finished answer as one new revision."""

    closed = True

    version = version_field()
    suggestion = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="For single-edit answers: the index of the suggestion to apply.",
    )


class AppliedSuggestionSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    message = serializers.CharField()


# --- The drafts' representations, built from their rows ------------------------------
#
# The list and the detail are the API's most frequent reads. Their bodies are built here
# from the rows of one hand-written query (``workbench.selectors.DraftRow``) rather than
# through the serializers above, which stay what the schema is generated from; a test
# checks that both give the same body for the same draft.

_DATETIME = serializers.DateTimeField()
"""Formats a date and time as every DRF ``DateTimeField`` does (no state of its own)."""


def datetime_text(value: Any) -> Any:
    return _DATETIME.to_representation(value)


def latest_score_data(row: DraftRow) -> dict[str, Any] | None:
    """``latest_score`` of the row: what :class:`LatestScoreSerializer` gives."""
    score = row.latest_score
    if score is None:
        return None
    return {
        "run": score.run,
        "revision": score.revision,
        "current": score.revision == row.version and not score.stale,
        "stale": score.stale,
        "label": score.label,
        "credibility": score.credibility,
        "risk_overall": score.risk_overall,
        "power_sharing": score.power_sharing,
        "min_net_incentive": score.min_net_incentive,
        "warning_count": score.warning_count,
        "finished_at": datetime_text(score.finished_at),
    }


def agreement_list_data(row: DraftRow, url: str) -> dict[str, Any]:
    """The row as :class:`AgreementListSerializer` shows a draft (``url``: its detail's)."""
    return {
        "id": row.pk,
        "url": url,
        "title": row.title,
        "purpose": row.purpose,
        "status": row.status,
        "team": row.team,
        "version": row.version,
        "created_at": datetime_text(row.created_at),
        "updated_at": datetime_text(row.updated_at),
        "updated_by": row.updated_by,
        "latest_score": latest_score_data(row),
        "latest_run_status": row.latest_run_status,
    }


def agreement_detail_data(row: DraftRow, url: str, document: dict[str, Any]) -> dict[str, Any]:
    """The row as :class:`AgreementDetailSerializer` shows a draft, with ``document``."""
    source = row.forked_from
    return {
        **agreement_list_data(row, url),
        "template_slug": row.template_slug,
        "forked_from": None if source is None else {"agreement": source[0], "revision": source[1]},
        "document": document,
    }
