"""CSV of findings, one row each, for a spreadsheet. Cells that a spreadsheet would run as a
formula (starting with = + - @, tab or carriage return) are prefixed with an apostrophe."""

from __future__ import annotations

import csv
from typing import TextIO

from auditor.models.findings import AuditResult
from auditor.reporters.evidence_text import for_result

COLUMNS = ("rule", "kind", "severity", "target", "table", "column", "role", "category", "rows", "message",
           "evidence", "remedy", "references", "location", "fingerprint", "waived", "waiver_reason",
           "baselined")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render(result: AuditResult, stream: TextIO) -> None:
    words = for_result(result)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in result.findings:
        row = {"rule": f.rule, "kind": f.kind.value, "severity": f.severity.value, "target": f.target,
               "table": f.table, "column": f.column, "role": f.role, "category": f.category, "rows": f.rows,
               "message": f.message, "evidence": words.finding(f), "remedy": f.remedy,
               "references": "; ".join(words.reference(r) for r in f.references), "location": f.location,
               "fingerprint": f.fingerprint, "waived": f.waived, "waiver_reason": f.waiver_reason,
               "baselined": f.baselined}
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
