"""Retention (GDPR art. 5.1.e): how long is each table's personal data kept, counted from the
right event?

For each table holding personal data, the retention rules of the declared profiles that apply
to it (by category, e.g. access logs; else by the purposes the table serves and its data
subject) give a start event, an active period and an optional intermediate-archive period. The
start event is found from `retention.start_events` in the config, else from the column names of
rules/classification/start_event_columns.yaml, on the table or on the tables its foreign keys
reach. One query per table and rule, run where the rows are (the database, or the sample files),
counts the rows past each period relative to `as_of`, the oldest, the rows with no start date
(and of those, the closed records), and the soft-deleted rows that are still kept.

RET001 rows in the active base past the active period (they belong in the intermediate archive);
RET002 rows past the whole retention (to delete or anonymise); RET003 a table with personal data
and no date to enforce any retention from; RET004 closed records with no start date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

import sqlglot
import sqlglot.expressions as exp
from pydantic import Field

from auditor.checks import severity as policy
from auditor.checks.context import AuditContext, fact_references
from auditor.checks.retention_sql import MAX_HOPS, retention_sql
from auditor.classify.identifiers import full_pattern, normalise_identifier
from auditor.durations import humane
from auditor.errors import ConfigError, RuleError
from auditor.models.evidence import Evidence, fact
from auditor.models.findings import Finding, RetentionStatus, Severity
from auditor.models.foreign_keys import ForeignKeyGraph, Hop, Reach
from auditor.models.inventory import Inventory, Table
from auditor.models.profile import Profile, RetentionRule, Strict, parse_duration
from auditor.models.table_index import TableIndex
from auditor.resources import data_dir
from auditor.sources.query_runner import QueryError, QueryRunner
from auditor.yaml_source import load_yaml_file, locate, validate


class StartEventColumns(Strict):
    version: int
    events: dict[str, list[str]]
    soft_delete: list[str] = Field(default_factory=list)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, re.Pattern[str]], re.Pattern[str]]:
    path = data_dir("rules") / "classification" / "start_event_columns.yaml"
    model = validate(StartEventColumns, load_yaml_file(path, RuleError), str(path), RuleError)
    return ({event: full_pattern(frags) for event, frags in model.events.items()},
            full_pattern(model.soft_delete or ["$^"]))


def minus(day: dt.date, years: int, months: int, days: int) -> dt.date:
    """`day` moved back by a calendar duration (31 March - 1 month = 28/29 February). A duration that
    reaches back before the calendar's first day (a profile's P3000Y) gives that first day: no date
    is older than it, so no row is past such a period."""
    total = day.year * 12 + day.month - 1 - years * 12 - months
    year, month = divmod(total, 12)
    month += 1
    if year < dt.MINYEAR:
        return dt.date.min
    last = calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, min(day.day, last)) - dt.timedelta(days=days)
    except OverflowError:  # more days back than the calendar holds
        return dt.date.min


@dataclass
class DateSource:
    """Where a table's start date comes from: `table.column` reached through the joins of `path`."""

    table: Table
    column: str
    path: list[Hop]
    guessed: bool

    @property
    def hops(self) -> int:
        return len(self.path)

    @property
    def label(self) -> str:
        via = f" (via {self.hops} FK)" if self.hops else ""
        return f"{self.table.qualified_name}.{self.column}{via}"


@dataclass
class Applicable:
    profile: Profile
    rule: RetentionRule
    sources: list[DateSource] = field(default_factory=list)


def _parse_target(text: str, tables: TableIndex) -> tuple[Table, str] | None:
    if "." not in text:
        return None
    table_name, column = text.rsplit(".", 1)
    schema, _, name = table_name.rpartition(".")
    table = tables.find(name, schema or None)
    if table is None or table.column(column) is None:
        return None
    col = table.column(column)
    assert col is not None
    return table, col.name


def check_settings(ctx: AuditContext, inventory: Inventory, raw: object) -> None:
    """retention: names real start events, tables and columns; `closed` conditions parse."""
    file = ctx.settings.config_file or "command line"
    retention = ctx.settings.retention
    for event, targets in retention.start_events.items():
        problem = ctx.catalogue.taxonomy.check_start_event(event)
        if problem:
            raise ConfigError(problem, file=file, line=locate(raw, ("retention", "start_events", event)))
        for target in targets:
            if _parse_target(target, ctx.table_index) is None:
                raise ConfigError(f"retention.start_events.{event}: no column {target!r} in the schema "
                                  "(write table.column)", file=file,
                                  line=locate(raw, ("retention", "start_events", event)))
    for table, condition in retention.closed.items():
        if ctx.table_index.find(table.rsplit(".", 1)[-1]) is None:
            raise ConfigError(f"retention.closed: no table {table!r} in the schema", file=file,
                              line=locate(raw, ("retention", "closed", table)))
        try:
            sqlglot.parse_one(condition, read=inventory.dialect or "postgres")
        except sqlglot.errors.ParseError:
            raise ConfigError(f"retention.closed.{table}: cannot parse the condition as SQL", file=file,
                              line=locate(raw, ("retention", "closed", table))) from None


def _table_categories(ctx: AuditContext, table: Table) -> list[str]:
    return [c for col in ctx.columns_of(table.qualified_name) for c in col.categories]


def _subject(ctx: AuditContext, table: Table) -> str | None:
    return next((c.subject for c in ctx.columns_of(table.qualified_name)), None)


def applicable_rules(ctx: AuditContext, table: Table) -> list[Applicable]:
    """The retention rules that govern this table, per declared profile."""
    taxonomy = ctx.catalogue.taxonomy
    categories = _table_categories(ctx, table)
    subject = _subject(ctx, table)
    if not categories or subject is None:
        return []
    found: list[Applicable] = []
    for profile in ctx.profiles():
        by_category = [r for r in profile.retention if r.categories and any(
            taxonomy.covers(rc, c) for rc in r.categories for c in categories)]
        if by_category:
            found += [Applicable(profile, r) for r in by_category]
            continue
        if subject not in profile.data_subjects:
            continue
        purposes = {p.id for p in ctx.table_purposes(table.qualified_name, profile) or []}
        for rule in profile.retention:
            if rule.categories or (rule.data_subjects and subject not in rule.data_subjects):
                continue
            if not rule.purposes or purposes & set(rule.purposes):
                found.append(Applicable(profile, rule))
    return found


class DateFinder:
    """The columns holding each start event, for every audited table of one audit.

    The foreign-key graph is built once; each audited table gets one breadth-first search, shared
    by its rules and stopped at the first level that holds the event; which column of a table holds
    an event is decided once per table and event, each column name normalised once."""

    def __init__(self, ctx: AuditContext, inventory: Inventory) -> None:
        self.settings = ctx.settings.retention
        self.tables = ctx.table_index
        self.graph = ForeignKeyGraph(inventory, self.tables)
        self.position = {id(t): i for i, t in enumerate(inventory.tables)}
        self._normalised: dict[str, str] = {}
        self._named: dict[tuple[int, str], str | None] = {}
        self._configured: dict[str, list[tuple[Table, str]]] = {}
        self._reach: Reach | None = None

    def normalised(self, name: str) -> str:
        found = self._normalised.get(name)
        if found is None:
            found = self._normalised[name] = normalise_identifier(name)
        return found

    def _named_column(self, table: Table, event: str, pattern: re.Pattern[str]) -> str | None:
        key = (id(table), event)
        if key not in self._named:
            self._named[key] = next((c.name for c in table.columns if pattern.match(self.normalised(c.name))),
                                    None)
        return self._named[key]

    def _reach_from(self, table: Table) -> Reach:
        if self._reach is None or self._reach.start is not table:
            self._reach = self.graph.reach(table, MAX_HOPS)
        return self._reach

    def _targets(self, event: str, configured: list[str]) -> list[tuple[Table, str]]:
        if event not in self._configured:
            self._configured[event] = [p for t in configured if (p := _parse_target(t, self.tables))]
        return self._configured[event]

    def sources(self, table: Table, event: str) -> list[DateSource]:
        """The columns that hold `event` for the rows of `table`: configured, else guessed by name
        on the table itself, else on the nearest tables its foreign keys reach (all those at the
        same distance, in inventory order)."""
        configured = self.settings.start_events.get(event)
        if configured:
            out = []
            for target, column in self._targets(event, configured):
                path = self._reach_from(table).path_to(target)
                if path is not None:
                    out.append(DateSource(target, column, path, guessed=False))
            return out
        pattern = _vocabulary()[0].get(event)
        if pattern is None:
            return []
        own = self._named_column(table, event, pattern)
        if own is not None:  # the table's own date: nothing else is guessed
            return [DateSource(table, own, [], guessed=True)]
        reach = self._reach_from(table)
        for depth in range(1, MAX_HOPS + 1):
            reached = [DateSource(other, named, path, guessed=True) for other, path in reach.level(depth)
                       if other.is_base_table
                       and (named := self._named_column(other, event, pattern)) is not None]
            if reached:
                return sorted(reached, key=lambda s: self.position[id(s.table)])
        return []

    def soft_delete(self, table: Table) -> str | None:
        for key in (table.qualified_name, table.name):
            if key in self.settings.soft_delete:
                return self.settings.soft_delete[key]
        pattern = _vocabulary()[1]
        return next((c.name for c in table.columns if pattern.match(self.normalised(c.name))), None)


def _closed(ctx: AuditContext, table: Table, source_dialect: str) -> exp.Expr | None:
    for key in (table.qualified_name, table.name):
        if key in ctx.settings.retention.closed:
            cond = sqlglot.parse_one(ctx.settings.retention.closed[key], read=source_dialect)
            for col in cond.find_all(exp.Column):  # qualify the condition's columns with the row alias
                col.set("table", exp.to_identifier("t"))
            return cond
    return None


def retention_text(rule: RetentionRule, lang: str) -> str:
    active = humane(*parse_duration(rule.active), lang)
    if not rule.intermediate:
        return active + (" en base active" if lang == "fr" else " in the active base")
    archive = humane(*parse_duration(rule.intermediate), lang)
    return (f"{active} en base active puis {archive} en archive intermédiaire" if lang == "fr"
            else f"{active} in the active base, then {archive} in the intermediate archive")


def _age(oldest: object, as_of: dt.date) -> tuple[int, int, int] | None:
    if oldest is None:
        return None
    day = oldest.date() if isinstance(oldest, dt.datetime) else oldest
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day[:10])
        except ValueError:
            return None
    if not isinstance(day, dt.date):
        return None
    months = (as_of.year - day.year) * 12 + as_of.month - day.month - (as_of.day < day.day)
    return months // 12, months % 12, 0


def check_retention(ctx: AuditContext) -> list[Finding]:
    if ctx.inventory is None:
        return []
    inventory, runner = ctx.inventory, ctx.query
    findings: list[Finding] = []
    as_of = ctx.settings.as_of or dt.date.today()
    finder = DateFinder(ctx, inventory)
    tables = [t for t in inventory.tables if t.is_base_table]
    for table in ctx.progress.each(tables, attrgetter("qualified_name")) if ctx.progress else tables:
        applicable = applicable_rules(ctx, table)
        # one answer per table: its rows are public archives whichever profile's period they exceed
        archived = public_archives(ctx, [app.profile for app in applicable])
        for app in applicable:
            app.sources = finder.sources(table, app.rule.start_event)
            status = RetentionStatus(table=table.qualified_name, profile=app.profile.id, rule=app.rule.id,
                                     start_event=app.rule.start_event, active=app.rule.active,
                                     intermediate=app.rule.intermediate,
                                     date_sources=[s.label for s in app.sources],
                                     guessed=any(s.guessed for s in app.sources))
            ctx.retention.append(status)
            if not app.sources:
                findings.append(_finding(ctx, "RET003", table, app, status, None, archived))
                continue
            if runner is None or not runner.has_rows(table):
                continue
            _count(ctx, runner, table, app, status, as_of, finder.soft_delete(table))
            for code, rows in _violations(app, status):
                if rows:
                    findings.append(_finding(ctx, code, table, app, status, rows, archived))
    return findings


def _count(ctx: AuditContext, runner: QueryRunner, table: Table, app: Applicable,
           status: RetentionStatus, as_of: dt.date, soft_delete: str | None) -> None:
    rule = app.rule
    active_end = minus(as_of, *parse_duration(rule.active))
    total_end = minus(active_end, *parse_duration(rule.intermediate)) if rule.intermediate else None
    absent = [f"{s.table.qualified_name}.{c}" for s in app.sources
              for c in runner.missing(s.table, [s.column])]
    if absent:
        status.error = f"no column {', '.join(absent)} in the data read"
        status.error_code, status.error_values = "retention_no_column", {"columns": absent}
        return
    source_dialect = ctx.inventory.dialect if ctx.inventory and ctx.inventory.dialect else "postgres"
    query = retention_sql(table, [(s.path, s.column) for s in app.sources], runner.dialect, runner.table_ref,
                          active_cutoff=active_end, total_cutoff=total_end, soft_delete=soft_delete,
                          closed=_closed(ctx, table, source_dialect))
    try:
        rows, past_active, past_total, oldest, no_date, closed_no_date, deleted = runner.run(query.sql)
    except QueryError as err:
        status.error = str(err)
        status.error_code, status.error_values = "failed_count_retention", dict(err.values)
        return
    status.counted = True
    status.rows, status.past_active = int(rows or 0), int(past_active or 0)
    status.past_total = int(past_total or 0) if total_end else None
    status.no_date, status.closed_no_date = int(no_date or 0), int(closed_no_date or 0)
    age = _age(oldest, as_of)
    status.deleted = int(deleted or 0)
    status.oldest_age = f"P{age[0]}Y{age[1]}M" if age else None
    status.soft_delete = soft_delete


def _violations(app: Applicable, status: RetentionStatus) -> list[tuple[str, int]]:
    if not status.counted:
        return []
    past_active, closed = status.past_active or 0, status.closed_no_date or 0
    if app.rule.intermediate:
        past_total = status.past_total or 0
        return [("RET001", past_active - past_total), ("RET002", past_total), ("RET004", closed)]
    return [("RET002", past_active), ("RET004", closed)]


def _evidence(status: RetentionStatus, app: Applicable) -> list[Evidence]:
    event = app.rule.start_event
    if not status.date_sources:
        return [fact("no_start_column", event=event)]
    parts = [fact("start_date", event=event, columns=list(status.date_sources))]
    if status.guessed:
        parts.append(fact("start_date_guessed"))
    if status.counted:
        parts.append(fact("past_active", past=status.past_active, rows=status.rows))
        if status.past_total is not None:
            parts.append(fact("past_total", past=status.past_total))
        if status.oldest_age:
            parts.append(fact("oldest", age=status.oldest_age))
        if status.no_date:
            parts.append(fact("no_start_date", rows=status.no_date))
        if status.deleted:
            parts.append(fact("soft_deleted_kept", rows=status.deleted, marker=status.soft_delete))
    return parts


def public_archives(ctx: AuditContext, profiles: list[Profile]) -> str | None:
    """Who says a table's rows are public archives: `config` (retention.public_archives, which also
    says they are not), `profile` (the text of a profile that applies to the table has them processed
    by public bodies or for a public service only); None when nothing says so."""
    said = ctx.settings.retention.public_archives
    if said is not None:
        return "config" if said else None
    always = any(p.archives is not None and p.archives.public == "always" for p in profiles)
    return "profile" if always else None


def _finding(ctx: AuditContext, code: str, table: Table, app: Applicable, status: RetentionStatus,
             rows: int | None, archived: str | None) -> Finding:
    rule = ctx.rules.get(code)
    lang = ctx.lang
    fill = {"target": table.qualified_name, "rows": rows if rows is not None else "",
            "event": ctx.catalogue.taxonomy.start_event_label(app.rule.start_event, lang),
            "active": humane(*parse_duration(app.rule.active), lang),
            "intermediate": (humane(*parse_duration(app.rule.intermediate), lang)
                             if app.rule.intermediate else "—"),
            "retention": retention_text(app.rule, lang),
            "retention_rule": f"{app.rule.id} ({app.rule.label.get(lang)})", "profile": app.profile.id}
    binding = app.profile.source.binding or app.rule.basis.value == "mandatory"
    severity = policy.from_facts(rule, [app.rule], binding, Severity.medium)
    evidence, remedy = _evidence(status, app), rule.remedy.get(lang)
    references = rule.references_in(lang)
    if archived is not None and "public_archives" in rule.variants:
        # public archives: past their period they go to their final disposition, not to the bin. The
        # code du patrimoine is cited in the rule's place; the severity rests on the retention fact alone
        evidence.append(fact(f"public_archives_{archived}"))
        remedy = rule.variants["public_archives"].remedy.get(lang)
        references = rule.variant_references_in("public_archives", lang)
    references += fact_references(app.profile, [app.rule], lang)
    finding = Finding(
        rule=rule.code, kind=rule.kind, severity=severity, table=table.qualified_name,
        category=None, rows=rows, message=rule.message.get(lang).format(**fill),
        evidence=evidence, remedy=remedy, references=references,
        location=str(table.location) or None)
    finding.fingerprint = finding.compute_fingerprint()
    return finding

