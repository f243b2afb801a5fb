"""The action plan as CSV, one action a row, for a spreadsheet or a ticket tracker: what to do (the
rule's summary and remedy in the report's language), on what, by whom and by when. Cells that a
spreadsheet would run as a formula are prefixed with an apostrophe (csv_report.safe_cell)."""

from __future__ import annotations

import csv
from typing import TextIO

from auditor.models.findings import AuditResult
from auditor.reporters.csv_report import safe_cell
from auditor.reporters.rule_text import action_remedy, rule_summary

COLUMNS = ("id", "priority", "severity", "rule", "kind", "action", "remedy", "tables", "targets", "findings",
           "owner", "due", "status")


def render(result: AuditResult, stream: TextIO) -> None:
    lang = result.lang
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for a in result.actions:
        row = {"id": a.id, "priority": a.priority, "severity": a.severity.value, "rule": a.rule,
               "kind": a.kind.value, "action": rule_summary(a.rule, lang),
               "remedy": action_remedy(a, lang), "tables": "; ".join(a.tables),
               "targets": "; ".join(a.targets), "findings": len(a.findings), "owner": a.owner,
               "due": a.due.isoformat(), "status": a.status}
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
