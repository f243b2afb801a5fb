"""The audit configuration (gdpr-audit.yml) and its one loader.

Precedence, later wins: built-in defaults < the config file < command-line flags. Paths in the
file are relative to the file's directory. `load_settings` is the only place that layers them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from auditor.errors import ConfigError, ProfileError
from auditor.models.findings import Kind
from auditor.models.profile import Strict
from auditor.profiles import Catalogue
from auditor.profiles.taxonomy import did_you_mean
from auditor.setting_values import as_of_problem, memory_size_problem
from auditor.yaml_source import LineDict, load_yaml_file, locate, validate

CONFIG_NAMES = ("gdpr-audit.yml", "gdpr-audit.yaml", ".gdpr-audit.yml")


class ProfileRef(Strict):
    id: str
    purposes: list[str] = Field(default_factory=list, description="Empty: every purpose")


class SchemaSource(Strict):
    files: list[str] = Field(min_length=1)
    dialect: str = "postgres"


class DatabaseSource(Strict):
    url: str = Field(description="SQLAlchemy URL: postgresql://…, mysql+pymysql://…, sqlite:///file, duckdb:///file")
    password_env: str | None = Field(default=None, description="Environment variable holding the password")
    schemas: list[str] = Field(default_factory=list, description="Schemas to read (globs); empty: all")
    tables: list[str] = Field(default_factory=list, description="Tables to read (globs); empty: all")
    exclude: list[str] = Field(default_factory=list, description="Tables to leave out (globs)")
    timeout: int = Field(default=30, ge=1, description="Statement timeout, seconds")
    table_budget: int = Field(default=300, ge=1,
                              description="Time budget of one table, all its statements, seconds")
    jobs: int = Field(default=2, ge=1, le=32, description="Tables read at once, one connection each")
    counts: bool = Field(default=True, description="Count rows, values and distinct values in the database")
    gx: bool = Field(default=False, description="Also run the value expectations in great-expectations, "
                                                "inside the database, over whole columns")
    all_notes: bool = Field(default=False, description=(
        "Read every note of the free-text columns (with the table's key), not the sample: the counts are "
        "exact rather than estimated"))
    foreign_tables: Literal["list", "count"] = Field(default="list", description=(
        "Foreign tables (PostgreSQL postgres_fdw and the like), whose rows live on another server: "
        "`list` them with their columns only, or `count` and sample their rows as a table's"))


class DataSource(Strict):
    dir: str = Field(description="Directory of sample files, one <table>.csv per table")


class TableSettings(Strict):
    purposes: list[str] | None = Field(default=None, description="Purposes this table serves")
    subject: str | None = Field(default=None, description="Data subject, or 'none'")


class Waiver(Strict):
    rule: str
    target: str = Field(description="table.column, glob patterns allowed")
    reason: str = Field(min_length=3)
    author: str | None = None
    expires: dt.date | None = None


class RetentionSettings(Strict):
    start_events: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Start event -> the table.column holding it; several: the latest of them, reached "
                    "through the foreign keys (last contact: the person's file and its interviews)")
    closed: dict[str, str] = Field(
        default_factory=dict,
        description="Table -> SQL condition (in the schema's dialect) true when the record is closed")
    soft_delete: dict[str, str] = Field(
        default_factory=dict,
        description="Table -> column marking a row as deleted but kept (deleted_at and the like are found "
                    "by name)")
    public_archives: bool | None = Field(default=None, description=(
        "The controller is a public body (département, CCAS, MDPH…) or a private one managing a public "
        "service: its files are public archives (code du patrimoine L.211-4), disposed of at the end of "
        "their period as agreed with the archives service. None: as the profiles say"))

    @model_validator(mode="before")
    @classmethod
    def _one_or_many(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("start_events"), dict):
            data = dict(data)
            data["start_events"] = {k: [v] if isinstance(v, str) else v
                                    for k, v in data["start_events"].items()}
        return data


FINDING_KINDS = tuple(k.value for k in Kind)
ROLE_KINDS = ("application", "accounting", "administrative", "statistics", "subcontractor", "management",
              "care", "social_work", "other")


class RoleMapping(Strict):
    recipient: str | None = Field(default=None, description="Recipient id of a declared profile")
    kind: str | None = Field(default=None, description="Kind of recipient: " + ", ".join(ROLE_KINDS),
                             pattern="^(" + "|".join(ROLE_KINDS) + ")$")


class PermissionQuery(Strict):
    """An application's own permission tables, read by one query over their rows."""

    tables: list[str] = Field(min_length=1, description="The tables the query reads, named as in the schema")
    query: str = Field(description=(
        "DuckDB SQL over those tables returning role, privilege (SELECT, INSERT, UPDATE, DELETE), target "
        "(the table), alias (another name of it, or NULL) and row (the permission row's key)"))


class AccessSettings(Strict):
    roles: dict[str, RoleMapping] = Field(
        default_factory=dict,
        description="Database role -> the profile recipient it serves (a string), or {recipient, kind}")
    hasura: str | None = Field(default=None, description=(
        "Hasura metadata directory (relative to this file): the application's roles and permissions, "
        "read as grants and row policies"))
    permission_tables: Literal["django", "cakephp"] | PermissionQuery | None = Field(
        default=None,
        description=("The application keeps its permissions in its own tables: django (auth_group, "
                     "auth_permission…), cakephp (aros, acos, aros_acos), or {tables, query}: read from the "
                     "rows the audit reads"))

    @model_validator(mode="before")
    @classmethod
    def _recipient_shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("roles"), dict):
            data = dict(data)
            data["roles"] = {k: {"recipient": v} if isinstance(v, str) else v
                             for k, v in data["roles"].items()}
        return data


class OwnerSettings(Strict):
    """Who is suggested to carry each action of the plan: by table first, then by kind of finding
    (minimisation, free_text, retention, access, security, governance), then the default."""

    tables: dict[str, str] = Field(default_factory=dict, description="Table -> owner")
    kinds: dict[str, str] = Field(default_factory=dict, description="Kind of finding -> owner")
    default: str | None = None

    @model_validator(mode="after")
    def _known_kinds(self) -> OwnerSettings:
        unknown = sorted(set(self.kinds) - set(FINDING_KINDS))
        if unknown:
            raise ValueError(f"unknown kind {unknown[0]!r} (one of {', '.join(FINDING_KINDS)})")
        return self


class ReportSettings(Strict):
    html: str | None = "gdpr-audit-report.html"
    json_path: str | None = Field(default="gdpr-audit-report.json", alias="json")
    sarif: str | None = Field(default=None, description="SARIF 2.1.0 path (code scanning)")
    junit: str | None = Field(default=None, description="JUnit XML path (CI test view)")
    markdown: str | None = Field(default=None, description="Markdown summary path (merge-request comment)")
    csv: str | None = Field(default=None, description="CSV of findings path")
    actions: str | None = Field(default=None, description="CSV of the action plan path")
    pia: str | None = Field(default=None, description="DPIA draft for the CNIL's PIA software (JSON) path")
    record: str | None = Field(default=None, description=(
        "Record of processing entry in the CNIL model's fields: CSV, or XLSX for a .xlsx name"))
    fides: str | None = Field(default=None, description=(
        "A fides manifest (YAML): the dataset with its data categories, the system with its declarations"))
    notes_rows: str | None = Field(default=None, description=(
        "The flagged notes, one row each (table, column, key or note number, categories, qualifiers; never "
        "the text): CSV, or JSON Lines for a .jsonl name"))
    lang: str = Field(default="fr", pattern="^(fr|en)$")




class Settings(Strict):
    service: str
    profiles: list[ProfileRef] = Field(default_factory=list, description="Required by an audit")
    profile_dirs: list[str] = Field(default_factory=list)
    schema_source: SchemaSource | None = Field(default=None, alias="schema")
    database: DatabaseSource | None = None
    data: DataSource | None = None
    tables: dict[str, TableSettings] = Field(default_factory=dict)
    overrides: dict[str, list[str]] = Field(default_factory=dict)
    justifications: dict[str, str] = Field(default_factory=dict)
    waivers: list[Waiver] = Field(default_factory=list)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    owners: OwnerSettings = Field(default_factory=OwnerSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    fail_on: str = Field(default="high", pattern="^(critical|high|medium|low|info|never)$")
    baseline: str | None = Field(default=None,
                                 description="Baseline file: its findings are reported but only new ones "
                                             "fail (gdpr-audit baseline create)")
    previous: str | None = Field(default=None,
                                 description="JSON report of the previous audit: the reports say which "
                                             "findings are new, resolved or unchanged (else the baseline's)")
    as_of: dt.date | None = None
    memory_limit: str = Field(default="2GB",
                              description="Memory the embedded engine may use (DuckDB's memory_limit, "
                                          "e.g. 512MB, 4GB); it never spills rows to disk")
    sample: int = Field(default=10_000, ge=0,
                        description="Rows per table read by the checks that need rows (value detectors; "
                                    "the notes scan of a live database), the same rows on every run")

    @field_validator("memory_limit")
    @classmethod
    def _a_size(cls, value: str) -> str:
        problem = memory_size_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("as_of")
    @classmethod
    def _a_date_in_range(cls, value: dt.date | None) -> dt.date | None:
        problem = as_of_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Settings:
        if (self.schema_source is None) == (self.database is None):
            raise ValueError("give the schema either as DDL files (`schema:`) or as a live database "
                             "(`database:`)")
        return self

    base_dir: str = Field(default=".", exclude=True)
    config_file: str | None = Field(default=None, exclude=True)

    def path(self, relative: str) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p


def find_config(target: Path) -> Path:
    """The config file for a path: the file itself, or gdpr-audit.yml inside a directory."""
    if target.is_dir():
        for name in CONFIG_NAMES:  # whatever its type: a FIFO or a directory is refused when read
            if os.path.lexists(target / name):
                return target / name
        raise ConfigError(f"no {CONFIG_NAMES[0]} in this directory", file=str(target))
    if not target.exists():
        raise ConfigError("file not found", file=str(target))
    return target


def _merge(base: dict[str, Any], flags: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in flags.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(config: Path | None, flags: dict[str, Any]) -> tuple[Settings, Any]:
    """Layer defaults < config file < flags; return the settings and the raw file data."""
    raw: Any = LineDict()
    base_dir = Path(".")
    file = None
    if config is not None:
        raw = load_yaml_file(config, ConfigError)
        if not isinstance(raw, dict):
            raise ConfigError("the configuration must be a mapping of keys", file=str(config),
                              line=1)
        base_dir, file = config.parent, str(config)
    flags = dict(flags)
    purposes = flags.pop("_purposes", None)
    data = _merge(raw, flags)
    if purposes is not None:
        refs = data.get("profiles") or []
        if len(refs) != 1:
            raise ConfigError("--purpose without --profile needs exactly one profile in the "
                              "configuration", file=str(config) if config else None)
        data["profiles"] = [{**refs[0], "purposes": purposes}]
    if flags.get("database"):  # a flag wins over the file: a --db audit reads no DDL file
        data.pop("schema", None)
    elif flags.get("schema", {}).get("files"):
        data.pop("database", None)
    if "service" not in data and flags.get("schema", {}).get("files"):
        data["service"] = Path(flags["schema"]["files"][0]).stem
    if "service" not in data and flags.get("database"):
        # the database's name from the URL's path: never its user, password or query
        data["service"] = urlsplit(flags["database"]["url"]).path.rsplit("/", 1)[-1] or "database"
    settings = validate(Settings, data, file or "command line", ConfigError, lines=raw)
    settings.base_dir, settings.config_file = str(base_dir), file
    return settings, raw


def check_against_catalogue(settings: Settings, raw: Any, catalogue: Catalogue) -> None:
    """Profiles, purposes, categories and subjects named in the settings must exist: every problem
    is reported, each at its line."""
    file = settings.config_file or "command line"
    problems: list[ConfigError] = []

    def problem(message: str, *loc: str | int) -> None:
        problems.append(ConfigError(message, file=file, line=locate(raw, loc)))

    declared = _profile_problems(settings, catalogue, problem)
    for table, tsettings in settings.tables.items():
        for purpose in tsettings.purposes or []:
            if purpose not in declared:
                problem(f"table {table}: purpose {purpose!r} is not among the declared purposes "
                        f"({', '.join(sorted(declared))})", "tables", table, "purposes")
        unknown = catalogue.taxonomy.check_subject(tsettings.subject) \
            if tsettings.subject not in (None, "none") else None
        if unknown:
            problem(unknown, "tables", table, "subject")
    named = [(key, ("overrides", target)) for target, keys in settings.overrides.items() for key in keys]
    named += [(key, ("justifications", key)) for key in settings.justifications]
    for key, loc in named:
        unknown = catalogue.taxonomy.check_key(key)
        if unknown:
            problem(unknown, *loc)
    if problems:
        first = problems[0]
        raise ConfigError(first.message, file=first.file, line=first.line, also=problems[1:])


def _profile_problems(settings: Settings, catalogue: Catalogue, problem: Callable[..., None]) -> set[str]:
    """The unknown profiles and purposes, told to `problem`; the purposes declared of the known ones."""
    known_profiles = []
    for i, ref in enumerate(settings.profiles):
        try:
            profile = catalogue.get(ref.id)
        except ProfileError as err:  # restated at the config's line
            problem(err.message, "profiles", i, "id")
            continue
        known_profiles.append(ref)
        known = [p.id for p in profile.purposes]
        for j, purpose in enumerate(ref.purposes):
            if purpose not in known:
                problem(f"profile {ref.id} has no purpose {purpose!r}; its purposes: {', '.join(known)}"
                        + did_you_mean(purpose, known), "profiles", i, "purposes", j)
    return {p for ref in known_profiles for p in _purposes(ref, catalogue)}


def _purposes(ref: ProfileRef, catalogue: Catalogue) -> list[str]:
    return ref.purposes or [p.id for p in catalogue.get(ref.id).purposes]


def declared_purposes(settings: Settings, catalogue: Catalogue) -> dict[str, list[str]]:
    """Profile id -> the purposes declared for it (all of them when none is named)."""
    return {ref.id: _purposes(ref, catalogue) for ref in settings.profiles}
