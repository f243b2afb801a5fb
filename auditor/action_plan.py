"""The action plan: findings grouped into the actions that correct them, in order, each with a
priority, a suggested owner, a due date and a status.

Grouping: the findings of one rule on one table are one action (the two coordinates of a table);
a retention finding is grouped with those of the same profile retention rules, whatever the table
(one purge, one archiving policy); an access finding without a table is one action per role; a
waived finding is never grouped with findings that are not. Order: waived actions last, then
severity, then the number of findings. Due date: the audit date plus the delay of the action's
severity (DUE_DAYS). Owner: `owners.tables` for the action's first table, else `owners.kinds` for
its kind, else `owners.default`."""

from __future__ import annotations

import datetime as dt

from auditor.config import OwnerSettings
from auditor.models.findings import Action, Finding, Kind, RetentionStatus, Severity

# Days given to correct an action, by its severity
DUE_DAYS = {Severity.critical: 7, Severity.high: 30, Severity.medium: 90, Severity.low: 180,
            Severity.info: 365}
PRIORITY = {Severity.critical: 1, Severity.high: 1, Severity.medium: 2, Severity.low: 3, Severity.info: 3}


def _group_key(f: Finding, retention_rules: dict[str, list[str]]) -> tuple[str, str, bool]:
    if f.kind is Kind.retention:
        return f.rule, "+".join(retention_rules.get(f.table or "", [])), f.waived
    return f.rule, f.table or f.role or f.target, f.waived


def _owner(owners: OwnerSettings, kind: Kind, tables: list[str]) -> str | None:
    for table in tables:
        for name in (table, table.rsplit(".", 1)[-1]):
            if name in owners.tables:
                return owners.tables[name]
    return owners.kinds.get(kind.value, owners.default)


def _status(findings: list[Finding]) -> str:
    if all(f.waived for f in findings):
        return "waived"
    return "new" if any(f.change == "new" for f in findings if not f.waived) else "open"


def plan(findings: list[Finding], owners: OwnerSettings, as_of: dt.date,
         retention: list[RetentionStatus] | None = None) -> list[Action]:
    retention_rules: dict[str, list[str]] = {}
    for status in retention or []:
        retention_rules.setdefault(status.table, []).append(f"{status.profile}/{status.rule}")
    groups: dict[tuple[str, str, bool], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_group_key(f, retention_rules), []).append(f)
    ordered = sorted(groups.values(), key=lambda fs: (all(f.waived for f in fs),
                                                       min(f.severity.rank for f in fs), -len(fs),
                                                       fs[0].rule, fs[0].target))
    actions = []
    for number, items in enumerate(ordered, start=1):
        severity = min((f.severity for f in items), key=lambda s: s.rank)
        tables = list(dict.fromkeys(f.table for f in items if f.table))
        actions.append(Action(
            id=f"A{number}", rule=items[0].rule, kind=items[0].kind, severity=severity,
            priority=PRIORITY[severity], tables=tables, targets=list(dict.fromkeys(f.target for f in items)),
            findings=[f.fingerprint for f in items], owner=_owner(owners, items[0].kind, tables),
            remedy=items[0].remedy if len({f.remedy for f in items}) == 1 else None,
            due=as_of + dt.timedelta(days=DUE_DAYS[severity]), status=_status(items)))
    return actions
