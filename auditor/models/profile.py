"""Purpose profiles and the data-category taxonomy, as validated models.

A profile encodes one legal framework (a CNIL référentiel or a statutory text): its purposes,
which data categories each purpose allows, allows under a condition, or forbids; its
recipients, retention rules, DPIA requirement and expected security measures. Every fact
carries its `source` and how well it is verified, because a DPO must be able to tell law from
doctrine from a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator

_ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")


class Strict(BaseModel):
    """Base for models read from user-written YAML: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Text(Strict):
    """A text in French and English."""

    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


class Verification(str, Enum):
    verified = "verified"        # read in the official text
    secondary = "secondary"      # read in a secondary source quoting or summarising it
    unverified = "unverified"    # from memory or inference; findings stay at info level


class Basis(str, Enum):
    mandatory = "mandatory"      # set by a statute or decree
    recommended = "recommended"  # CNIL doctrine: a deviation must be justified


class Sensitivity(str, Enum):
    standard = "standard"
    financial = "financial"
    identifier = "identifier"
    special = "special"
    offences = "offences"
    credentials = "credentials"
    free_text = "free_text"
    technical = "technical"


class Fact(Strict):
    """Provenance every profile fact carries."""

    source: str = Field(description="Article or clause the fact comes from")
    verification: Verification


# -- taxonomy ------------------------------------------------------------------------------
class Category(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
    label: Text
    sensitivity: Sensitivity
    fideslang: str = Field(description="Nearest fideslang 3.2 data category")

    @property
    def parent(self) -> str | None:
        return self.key.rsplit(".", 1)[0] if "." in self.key else None


class DataSubject(Strict):
    key: str
    label: Text


class TaxonomyFile(Strict):
    version: int
    data_subjects: list[DataSubject]
    categories: list[Category]


# -- profiles ------------------------------------------------------------------------------
class ProfileSource(Strict):
    authority: str = Field(description="CNIL, Légifrance…, or the organisation for an internal policy")
    instrument: str = Field(description="referentiel | statute | guidance | internal_policy")
    reference: Text = Field(description="e.g. Délibération n° 2021-028 du 11 mars 2021")
    date: dt.date | None = None
    url: str | None = None
    binding: bool = Field(description="True for a statute: a deviation is a breach, not a choice")
    supersedes: list[str] = Field(default_factory=list)


class ConditionalCategory(Fact):
    category: str
    condition: Text


class ForbiddenCategory(Fact):
    category: str
    reason: Text


class Purpose(Fact):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: Text
    legal_basis: Text | None = None
    allowed: list[str] = Field(default_factory=list)
    conditional: list[ConditionalCategory] = Field(default_factory=list)
    forbidden: list[ForbiddenCategory] = Field(default_factory=list)


class RetentionRule(Fact):
    id: str
    label: Text
    purposes: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    start_event: str
    active: str = Field(description="ISO 8601 duration in the active base")
    intermediate: str | None = Field(default=None, description="ISO 8601, intermediate archive")
    end_action: str = Field(default="delete_or_anonymise")
    basis: Basis

    @field_validator("active", "intermediate")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and not _ISO_DURATION.match(value):
            raise ValueError(f"{value!r} is not an ISO 8601 duration such as P2Y or P6M")
        return value


class Recipient(Fact):
    id: str
    label: Text
    read: list[str] = Field(default_factory=list)
    write: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)


class Dpia(Fact):
    required: bool


class SecurityMeasure(Fact):
    id: str
    label: Text
    categories: list[str] = Field(default_factory=list)


class Profile(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str
    title: Text
    source: ProfileSource
    extends: list[str] = Field(default_factory=list)
    data_subjects: list[str]
    scope: Text
    excluded: list[Text] = Field(default_factory=list)
    dpia: Dpia | None = None
    purposes: list[Purpose]
    forbidden: list[ForbiddenCategory] = Field(default_factory=list)
    retention: list[RetentionRule] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    security: list[SecurityMeasure] = Field(default_factory=list)

    def purpose(self, purpose_id: str) -> Purpose | None:
        return next((p for p in self.purposes if p.id == purpose_id), None)
