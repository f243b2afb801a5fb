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
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Strings that name a taxonomy entry: the generated JSON Schema lists the known keys for them.
CategoryKey = Annotated[str, Field(json_schema_extra={"x-taxonomy": "category"})]
SubjectKey = Annotated[str, Field(json_schema_extra={"x-taxonomy": "data_subject"})]
StartEventKey = Annotated[str, Field(json_schema_extra={"x-taxonomy": "start_event"})]
DpiaItemKey = Annotated[str, Field(json_schema_extra={"x-taxonomy": "dpia_item"})]
SharingKey = Annotated[str, Field(json_schema_extra={"x-taxonomy": "sharing_condition"})]

_ISO_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def parse_duration(text: str) -> tuple[int, int, int]:
    """An ISO 8601 date duration (P2Y, P6M, P1Y6M, P2W, P0D) as (years, months, days)."""
    m = _ISO_DURATION.match(text)
    if not m:
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P2Y or P6M")
    years, months, weeks, days = (int(g or 0) for g in m.groups())
    return years, months, weeks * 7 + days


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
    unverified = "unverified"    # from memory or inference: findings a step lower (docs/severity.md)


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
    fideslang: str = Field(description="Nearest data category of the fideslang default taxonomy (3.1)")

    @property
    def parent(self) -> str | None:
        return self.key.rsplit(".", 1)[0] if "." in self.key else None


class DataSubject(Strict):
    key: str
    label: Text


class StartEvent(Strict):
    """An event a retention period is counted from (the config maps it to a column)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text


class DpiaCriterion(Fact):
    """One of the criteria of high risk the EDPB guidelines name (WP248 rev.01): a processing that
    meets two of them is in principle to be assessed, the CNIL says."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text


class DpiaItem(Fact):
    """A type of processing on one of the CNIL's lists: DPIA required (art. 35.4 GDPR) or not
    required (art. 35.5)."""

    key: str = Field(pattern=r"^(required|exempt)\.[a-z][a-z0-9_]*$")
    label: Text
    criteria: list[str] = Field(default_factory=list, description="The EDPB criteria the item rests on")

    @property
    def required(self) -> bool:
        return self.key.startswith("required.")


class NirUse(Fact):
    """A use of the NIR the framework decree allows, by whom and for what."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text


class SharingCondition(Fact):
    """A text that lets professionals bound by secrecy share what they know of a person: who, for
    what, within which limits (CASF L.226-2-2 in child protection, CSP L.1110-4 in a care team)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text


class TaxonomyFile(Strict):
    version: int
    data_subjects: list[DataSubject]
    start_events: list[StartEvent]
    categories: list[Category]
    dpia_criteria: list[DpiaCriterion] = Field(default_factory=list)
    dpia_items: list[DpiaItem] = Field(default_factory=list)
    nir_uses: list[NirUse] = Field(default_factory=list)
    sharing_conditions: list[SharingCondition] = Field(default_factory=list)


# -- profiles ------------------------------------------------------------------------------
class Instrument(str, Enum):
    referentiel = "referentiel"          # CNIL framework: not binding, deviations to justify
    statute = "statute"                  # code article or decree: binding
    guidance = "guidance"                # CNIL guide or recommendation
    internal_policy = "internal_policy"  # the organisation's own rules


class ProfileSource(Strict):
    authority: str = Field(description="CNIL, Légifrance…, or the organisation for an internal policy")
    instrument: Instrument
    reference: Text = Field(description="e.g. Délibération n° 2021-028 du 11 mars 2021")
    date: dt.date | None = None
    url: str | None = None
    binding: bool = Field(description="True for a statute: a deviation is a breach, not a choice")
    supersedes: list[str] = Field(default_factory=list)
    caveat: Text | None = Field(default=None, description="What of the text could not be read or checked")


class ConditionalCategory(Fact):
    category: CategoryKey
    condition: Text


class ForbiddenCategory(Fact):
    category: CategoryKey
    reason: Text


class Precision(str, Enum):
    year = "year"
    month = "month"
    day = "day"


class Granularity(Fact):
    """The coarsest form a purpose needs: coded values (nationality as FR / UE / HORS_UE) or a
    date precision (birth date as a year). Finer data is a minimisation finding."""

    category: CategoryKey
    form: Text = Field(description="The required form, in words")
    values: list[str] = Field(default_factory=list, description="Accepted coded values")
    precision: Precision | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Granularity:
        if bool(self.values) == (self.precision is not None):
            raise ValueError("give either `values` (accepted codes) or `precision` (year | month | day)")
        return self


class Purpose(Fact):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: Text
    legal_basis: Text | None = None
    allowed: list[CategoryKey] = Field(default_factory=list)
    conditional: list[ConditionalCategory] = Field(default_factory=list)
    forbidden: list[ForbiddenCategory] = Field(default_factory=list)
    granularity: list[Granularity] = Field(default_factory=list)


class EndAction(str, Enum):
    delete = "delete"
    anonymise = "anonymise"
    delete_or_anonymise = "delete_or_anonymise"
    public_archives = "public_archives"  # transfer to the public archives service (DUA ended)


class RetentionRule(Fact):
    """How long data of some purposes or categories stay in the active base, from which event,
    then in intermediate archive, and what happens at the end."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: Text
    purposes: list[str] = Field(default_factory=list)
    categories: list[CategoryKey] = Field(default_factory=list)
    data_subjects: list[SubjectKey] = Field(default_factory=list)
    start_event: StartEventKey
    active: str = Field(description="ISO 8601 duration in the active base")
    intermediate: str | None = Field(default=None, description="ISO 8601, intermediate archive")
    end_action: EndAction = EndAction.delete_or_anonymise
    basis: Basis
    note: Text | None = None

    @field_validator("active", "intermediate")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value


class Recipient(Fact):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: Text
    read: list[CategoryKey] = Field(default_factory=list)
    write: list[CategoryKey] = Field(default_factory=list)
    deny: list[CategoryKey] = Field(default_factory=list)


class Dpia(Fact):
    required: bool
    condition: Text | None = Field(default=None, description="When the requirement applies or lapses")
    listed: list[DpiaItemKey] = Field(default_factory=list, description=(
        "Items of the CNIL's DPIA lists (taxonomy `dpia_items`) the answer rests on"))


class SecurityMeasure(Fact):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: Text
    categories: list[CategoryKey] = Field(default_factory=list)


class Archives(Fact):
    """Whether the processing's files are public archives (code du patrimoine L.211-4): past their
    period they are not simply deleted, their final disposition (elimination or transfer to an
    archives service) is settled under the State's scientific and technical control."""

    public: Literal["always", "public_bodies"] = Field(description=(
        "always: under the profile's text, the files are processed by public bodies or for a public service "
        "only; public_bodies: when the controller is a public body or a private one managing a public "
        "service, as the audit's `retention.public_archives` says"))
    bodies: Text = Field(description="Whose files they are, in words")


class Profile(Strict):
    """One legal framework. With `extends`, the profile starts from its parents' purposes,
    retention rules, recipients, security measures and forbidden categories, and replaces any
    entry whose id (category, for forbidden ones) it declares again; its DPIA statement and archives
    status are its own, else its first parent's that has one."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str
    title: Text
    source: ProfileSource
    extends: list[str] = Field(default_factory=list)
    data_subjects: list[SubjectKey] = Field(default_factory=list)
    scope: Text
    excluded: list[Text] = Field(default_factory=list)
    dpia: Dpia | None = None
    archives: Archives | None = None
    purposes: list[Purpose] = Field(default_factory=list)
    forbidden: list[ForbiddenCategory] = Field(default_factory=list)
    retention: list[RetentionRule] = Field(default_factory=list)
    recipients: list[Recipient] = Field(default_factory=list)
    security: list[SecurityMeasure] = Field(default_factory=list)
    sharing: list[SharingKey] = Field(default_factory=list, description=(
        "The conditions under which the processing's professionals may share secret information "
        "(taxonomy `sharing_conditions`): an access finding names them"))

    def facts(self) -> list[Fact]:
        """Every sourced statement of the profile: DPIA, archives, purposes and their conditions, forbidden
        categories, retention rules, recipients, security measures."""
        out: list[Fact] = [self.dpia] if self.dpia else []
        out += [self.archives] if self.archives else []
        for p in self.purposes:
            out += [p, *p.conditional, *p.granularity, *p.forbidden]
        return [*out, *self.forbidden, *self.retention, *self.recipients, *self.security]

    def purpose(self, purpose_id: str) -> Purpose | None:
        return next((p for p in self.purposes if p.id == purpose_id), None)
