"""CSV/JSON import and export of catalog entries (django-import-export).

Rows are matched by slug, validated with the model's own checks, and imported in
one transaction: a bad row reports its line and field and nothing is imported.
"""

from __future__ import annotations

from typing import Any

from import_export import resources

from catalog.models import Actor, BenefitItem, CatalogEntry, Commitment, MechanismType, RiskKind
from catalog.services import catalog_entries_changed


class CatalogEntryResource(resources.ModelResource):
    """Shared behaviour: slug identity, model validation, curated flag on import."""

    def before_save_instance(self, instance: CatalogEntry, row: Any, **kwargs: Any) -> None:
        instance.locally_modified = True

    def after_save_instance(self, instance: CatalogEntry, row: Any, **kwargs: Any) -> None:
        if not kwargs.get("dry_run"):
            catalog_entries_changed(entries=[instance])

    def import_data(self, dataset: Any, **kwargs: Any) -> Any:
        """Import all rows or none: any invalid row rolls the whole import back."""
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    class Meta:
        import_id_fields = ["slug"]
        exclude = ["id", "created_at", "updated_at", "locally_modified"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class BenefitItemResource(CatalogEntryResource):
    class Meta(CatalogEntryResource.Meta):
        model = BenefitItem
        exclude = [*CatalogEntryResource.Meta.exclude, "power_index", "label"]


class CommitmentResource(CatalogEntryResource):
    class Meta(CatalogEntryResource.Meta):
        model = Commitment


class MechanismTypeResource(CatalogEntryResource):
    class Meta(CatalogEntryResource.Meta):
        model = MechanismType


class RiskKindResource(CatalogEntryResource):
    class Meta(CatalogEntryResource.Meta):
        model = RiskKind


class ActorResource(CatalogEntryResource):
    class Meta(CatalogEntryResource.Meta):
        model = Actor
