"""Granularity (GDPR art. 5.1.c, 25): is a permitted category kept finer than its purposes need?

A purpose can require a reduced form of a category: coded values (nationality as FR / UE /
HORS_UE) or a date precision (birth date as a year). The check applies when every declared
purpose that permits the column's category requires such a form; one purpose that needs the fine
form is enough to keep it.

- values: the sample rows whose value is not one of the accepted codes are counted in DuckDB
  (no value leaves the engine); without sample data nothing can be said and nothing is reported;
- precision: a column declared as DATE or TIMESTAMP keeps the day, finer than a year or month.
"""

from __future__ import annotations

import re

from auditor.checks import severity as policy
from auditor.checks.context import AuditContext, fact_references
from auditor.models.classification import ColumnClassification
from auditor.models.evidence import Evidence, fact, reasons
from auditor.models.findings import Finding, Severity
from auditor.models.profile import Granularity, Precision, Profile
from auditor.models.rule import Rule
from auditor.profiles.matrix import status
from auditor.sources.samples import count_outside

_DATE_TYPE = re.compile(r"^\s*(date|datetime|timestamp|timestamptz|smalldatetime|datetime2)\b", re.I)


def _required_forms(ctx: AuditContext, col: ColumnClassification, category: str,
                    profile: Profile) -> list[Granularity]:
    """The forms this profile requires of `category` in this table, or [] if one permitting
    purpose needs no reduced form (or none permits it)."""
    taxonomy = ctx.catalogue.taxonomy
    purposes = ctx.table_purposes(col.table, profile) or []
    permitting = [p for p in purposes
                  if status(profile, p, category, taxonomy) in {"allowed", "conditional"}]
    forms = []
    for purpose in permitting:
        own = [g for g in purpose.granularity if taxonomy.covers(g.category, category)]
        if not own:
            return []
        forms += own
    return forms


def _detail(ctx: AuditContext, col: ColumnClassification,
            form: Granularity) -> tuple[Evidence, int | None] | None:
    """What shows the column is too fine, and how many sample rows, or None if nothing does."""
    if form.values:
        counts = ctx.samples.tables.get(col.table) if ctx.samples else None
        header = counts.header.get(col.column.lower()) if counts else None
        store = ctx.samples.store if ctx.samples else None
        if counts is None or header is None or counts.relation is None or store is None:
            return None
        rows, distinct = count_outside(store.con, counts.relation, header, form.values)
        if rows == 0:
            return None
        filled = counts.filled.get(col.column.lower(), 0)
        return fact("outside_form", rows=rows, filled=filled, distinct=distinct), rows
    if form.precision in {Precision.year, Precision.month} and col.type and _DATE_TYPE.match(col.type):
        return fact("type_keeps_day", type=col.type), None
    return None


def check_granularity(ctx: AuditContext) -> list[Finding]:
    rule = ctx.rules.get("MIN006")
    findings = []
    for col in ctx.columns:
        if col.subject is None:
            continue
        for category in col.categories:
            for profile in ctx.profiles():
                if col.subject not in profile.data_subjects:
                    continue
                forms = _required_forms(ctx, col, category, profile)
                found = next(((f, d) for f in forms if (d := _detail(ctx, col, f))), None)
                if found is None:
                    continue
                form, (detail, rows) = found
                findings.append(_finding(ctx, col, category, profile, form, detail, rows, rule))
                break
    return findings


def _finding(ctx: AuditContext, col: ColumnClassification, category: str, profile: Profile,
             form: Granularity, detail: Evidence, rows: int | None, rule: Rule) -> Finding:
    lang = ctx.lang
    fill = {"target": col.target, "category": category,
            "category_label": ctx.catalogue.taxonomy.get(category).label.get(lang),
            "form": form.form.get(lang), "profile": profile.id}
    severity = policy.from_facts(rule, [form], profile.source.binding, Severity.medium)
    finding = Finding(
        rule=rule.code, kind=rule.kind, severity=severity,
        table=col.table, column=col.column, category=category, rows=rows,
        message=rule.message.get(lang).format(**fill),
        evidence=[*reasons(col.reasons), detail], remedy=rule.remedy.get(lang),
        references=[*rule.references_in(lang), *fact_references(profile, [form], lang)],
        location=str(col.location) or None)
    finding.fingerprint = finding.compute_fingerprint()
    return finding
