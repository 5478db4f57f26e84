"""Choice lists of agreements (values match the engine's enumerations)."""

from django.db import models


class Purpose(models.TextChoices):
    COALITION = "coalition", "Build a coalition"
    SECURE_LEAD = "secure_lead", "Secure a lead"
    WELFARE = "welfare", "Global welfare"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    FINAL = "final", "Final"
    ARCHIVED = "archived", "Archived"


class Role(models.TextChoices):
    PROVIDER = "provider", "Provider"
    RECIPIENT = "recipient", "Recipient"
    EXCLUDED = "excluded", "Excluded"
    OBSERVER = "observer", "Observer"


class Covers(models.TextChoices):
    PROVIDER = "provider", "Provider's promises"
    RECIPIENTS = "recipients", "Recipients' promises"
    BOTH = "both", "Both sides"


RISK_KINDS: tuple[str, ...] = ("proliferation", "instability", "perverse", "signalling", "framing")
