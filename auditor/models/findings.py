"""Findings and the audit result: what every reporter renders and the CLI's exit code reads."""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import Enum

from pydantic import BaseModel, Field, computed_field

from auditor.models.classification import ColumnClassification
from auditor.models.evidence import Evidence
from auditor.models.inventory import ReadError


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)  # 0 = critical

    def at_least(self, other: Severity) -> bool:
        return self.rank <= other.rank


class Kind(str, Enum):
    minimisation = "minimisation"
    free_text = "free_text"
    retention = "retention"
    access = "access"
    security = "security"
    governance = "governance"  # the audit's own configuration: expired waivers


class Reference(BaseModel):
    label: str = Field(description="e.g. 'GDPR, art. 5.1.c', or a clause of a profile's official text")
    url: str | None = None
    lang: str | None = Field(default=None, description=(
        "Language of the label when it quotes a text as written (a clause of a French text); None: the "
        "report's"))
    verification: str | None = Field(default=None, description=(
        "For a profile fact: verified | secondary | unverified (checked against the official text)"))


class Finding(BaseModel):
    rule: str
    kind: Kind
    severity: Severity
    confidence: str | None = Field(default=None, description=(
        "The weakest verification of the profile facts behind the finding: verified | secondary | "
        "unverified (None: it rests on the GDPR or a statute the rule cites); docs/severity.md"))
    table: str | None = None
    column: str | None = None
    role: str | None = None
    category: str | None = None
    rows: int | None = Field(default=None, description="Rows concerned in the data read, if any")
    message: str
    evidence: list[Evidence] = Field(default_factory=list,
                                    description="Why, as data: signals, counts and names; never a raw value")
    remedy: str
    references: list[Reference] = Field(default_factory=list)
    location: str | None = Field(default=None, description="file:line of the declaration")
    fingerprint: str = ""
    waived: bool = False
    waiver_reason: str | None = None
    baselined: bool = Field(default=False, description="Already in the baseline: reported, does not fail")
    change: str | None = Field(default=None, description="Against the previous audit: new | unchanged "
                                                         "(None: no previous audit given)")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def target(self) -> str:
        """table.column, or table; for a role's access, role or role@table (what a waiver names)."""
        place = ".".join(p for p in (self.table, self.column) if p)
        if self.role:
            return f"{self.role}@{place}" if place else self.role
        return place

    def compute_fingerprint(self) -> str:
        """Stable across runs and machines: no path, no message text, no count."""
        key = "|".join(str(x or "") for x in (self.rule, self.table, self.column, self.role,
                                                self.category))
        return hashlib.sha256(key.encode()).hexdigest()[:16]


class ResolvedFinding(BaseModel):
    """A finding of the previous audit that this one no longer raises: what identified it."""

    fingerprint: str
    rule: str
    target: str = ""
    severity: Severity | None = None
    kind: Kind | None = None
    table: str | None = None
    column: str | None = None
    role: str | None = None
    category: str | None = None


class Changes(BaseModel):
    """What changed since the previous audit (its JSON report, or the baseline)."""

    source: str = Field(description="report | baseline")
    since: dt.date | None = Field(default=None, description="Date of the previous audit or of the baseline")
    new: int
    unchanged: int
    resolved: list[ResolvedFinding] = Field(default_factory=list)


class Action(BaseModel):
    """One action of the plan: findings of one rule corrected together (the columns of one table,
    or, for retention, every table the rule applies to), with who should carry it and by when."""

    id: str = Field(description="A1, A2… in the order of the plan")
    rule: str
    kind: Kind
    severity: Severity = Field(description="The most severe of its findings")
    priority: int = Field(description="1: critical or high, 2: medium, 3: low or info")
    tables: list[str] = Field(default_factory=list)
    targets: list[str] = Field(description="What its findings name (table.column, table, role@table)")
    findings: list[str] = Field(description="Fingerprints of its findings")
    remedy: str | None = Field(default=None, description=(
        "Its findings' remedy in the report's language, when they share one: the rule's, or the variant "
        "that applies to them (public archives)"))
    owner: str | None = Field(default=None, description="Suggested by `owners:` (table, kind, default)")
    due: dt.date = Field(description="Audit date + the delay of its severity")
    status: str = Field(description="new (a finding the previous audit did not raise), open, or waived "
                                    "(every finding waived)")


class ProfileUse(BaseModel):
    id: str
    title: str
    reference: str
    purposes: list[str]
    purpose_labels: dict[str, str] = Field(default_factory=dict,
                                           description="Purpose id -> its label in the report's language")
    purpose_bases: dict[str, str] = Field(default_factory=dict, description=(
        "Purpose id -> its legal basis as the profile states it, in the report's language"))
    caveat: str | None = Field(default=None,
                               description="What of the profile's text could not be read or checked")


class WaiverStatus(BaseModel):
    rule: str
    target: str
    reason: str
    expires: dt.date | None
    status: str = Field(description="applied | unused | expired")


class Summary(BaseModel):
    total: int
    by_severity: dict[str, int]
    by_kind: dict[str, int]
    waived: int
    baselined: int = Field(default=0, description="Of `total`, findings already in the baseline")
    status: str = Field(description="fail or pass: new findings (not waived, not in the baseline) "
                                    "against the --fail-on threshold")
    fail_on: str


class Tool(BaseModel):
    name: str = "gdpr-auditor"
    version: str


class GxCheck(BaseModel):
    """One expectation GX ran on a whole column of the database; counts only."""

    table: str
    column: str
    detector: str
    category: str
    expectation: str = "expect_column_values_to_match_regex"
    mostly: float
    element_count: int = Field(description="Rows of the table")
    unexpected_count: int = Field(description="Non-null values that do not match")
    unexpected_percent: float | None = None
    success: bool


class RetentionStatus(BaseModel):
    """One retention rule applied to one table: where its start date comes from and, when the
    rows could be counted, how many are past each period. Ages, never dates of a person."""

    table: str
    profile: str
    rule: str = Field(description="Id of the profile's retention rule")
    start_event: str
    active: str = Field(description="ISO 8601 duration in the active base")
    intermediate: str | None = None
    date_sources: list[str] = Field(default_factory=list,
                                    description="table.column the start date is read from")
    guessed: bool = Field(default=False, description="The date columns were found by name, not configured")
    counted: bool = False
    rows: int | None = None
    past_active: int | None = None
    past_total: int | None = None
    no_date: int | None = None
    closed_no_date: int | None = None
    deleted: int | None = Field(default=None, description="Rows marked deleted but still in the table")
    soft_delete: str | None = None
    oldest_age: str | None = Field(default=None,
                                   description="Age of the oldest start date, ISO 8601 (P4Y11M)")
    error: str | None = Field(default=None, description="Why it could not be counted, in English, for logs")
    error_code: str | None = Field(default=None, description="The same as the reporters' sentence for it")
    error_values: dict[str, int | float | str | list[str]] = Field(default_factory=dict)


class AccessRow(BaseModel):
    """One role of the access matrix: the personal-data categories it can read, each `allowed`
    (its recipient may), `excess` (it may not; PUBLIC; sensitive or nominative data for a
    restricted kind) or `no_recipient` (no profile recipient says)."""

    role: str
    recipient: str | None = None
    kind: str | None = None
    login: bool | None = None
    inherits: list[str] = Field(default_factory=list, description="Roles whose privileges it holds")
    categories: dict[str, str] = Field(default_factory=dict)
    tables: list[str] = Field(default_factory=list, description="Tables and views it has a privilege on")
    row_level_security: list[str] = Field(default_factory=list, description="Of those, the ones with RLS on")
    future_tables: list[str] = Field(default_factory=list,
                                     description="Default privileges on tables created later")


class TableRead(BaseModel):
    """One object the audit read: a table, a partitioned table (its partitions named, audited as part
    of it), a view, a materialized view or a foreign table."""

    name: str = Field(description="Schema-qualified when the source has schemas")
    kind: str = Field(description="table, partitioned_table, view, materialized_view, foreign_table or "
                                  "virtual")
    partitions: list[str] = Field(default_factory=list, description="Partitions of a partitioned table")
    rows: int | None = Field(default=None, description="Rows counted; null when its rows were not counted "
                                                       "(views, foreign tables unless asked, no data read)")


class ComplianceRow(BaseModel):
    category: str
    label: str
    columns: list[str] = Field(description="table.column holding it")
    statuses: dict[str, str] = Field(description="Purpose -> allowed | conditional | forbidden | not_needed")
    justified: bool = Field(default=False, description="The configuration documents why its condition is met "
                                                       "(`justifications:`)")


class ComplianceMatrix(BaseModel):
    """For one declared profile: the categories found in the schema × the declared purposes."""

    profile: str
    purposes: list[str]
    rows: list[ComplianceRow]


class DpiaListItem(BaseModel):
    """An item of the CNIL's DPIA lists a declared profile rests on."""

    key: str
    required: bool = Field(description="On the list of processing that requires a DPIA (else: exempt)")
    label: str = Field(description="In the report's language")
    source: str
    verification: str
    criteria: list[str] = Field(default_factory=list, description="EDPB criteria the item rests on")


class DpiaCriterionMet(BaseModel):
    """An EDPB criterion of high risk (WP248) that what the audit found meets, with what meets it."""

    key: str
    label: str = Field(description="In the report's language")
    categories: list[str] = Field(default_factory=list, description="Data categories found that meet it")
    subjects: list[str] = Field(default_factory=list, description="Data subjects found that meet it")


class AuditResult(BaseModel):
    tool: Tool
    as_of: dt.date
    lang: str
    service: str
    source: str
    profiles: list[ProfileUse]
    dpia_required: bool | None = None
    dpia_basis: list[Reference] = Field(default_factory=list,
                                        description=(
        "Why a DPIA is required: the clause of each profile that says so without naming list items"))
    dpia_listed: list[DpiaListItem] = Field(default_factory=list,
                                            description="Items of the CNIL's DPIA lists the profiles rest on")
    dpia_criteria: list[DpiaCriterionMet] = Field(default_factory=list, description=(
        "EDPB criteria of high risk the data found meets (those a database can show)"))
    tables_read: int
    statements_skipped: int = 0
    rows_read: int | None = Field(default=None, description="Rows counted (whole tables, or sample files)")
    rows_sampled: int | None = Field(default=None,
                                     description="Rows the value checks read (at most --sample per table)")
    tables: list[TableRead] = Field(default_factory=list, description="The objects read, with their kind")
    columns: list[ColumnClassification]
    findings: list[Finding]
    waivers: list[WaiverStatus] = Field(default_factory=list)
    summary: Summary
    errors: list[ReadError]
    access: list[AccessRow] = Field(default_factory=list, description="The access matrix, role by role")
    compliance: list[ComplianceMatrix] = Field(default_factory=list,
                                               description="Per profile: categories found × purposes")
    unverified_facts: list[str] = Field(default_factory=list,
                                        description="Profile facts behind findings, not checked yet")
    retention: list[RetentionStatus] = Field(default_factory=list,
                                             description="Each retention rule applied to each table")
    gx_checks: list[GxCheck] = Field(default_factory=list,
                                     description="Value expectations great-expectations ran in the database")
    changes: Changes | None = Field(default=None, description="Since the previous audit, when one was given")
    actions: list[Action] = Field(default_factory=list, description="The action plan, first action first")
