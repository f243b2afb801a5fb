"""SARIF 2.1.0: one run, the rules that ran as `tool.driver.rules` (summary, rationale, remedy,
legal references), one result per finding with its file and line when the source is a DDL file
(else a logical location: the table, column or role), a stable partial fingerprint, and waived
findings as suppressed results. Levels: critical/high → error, medium → warning, low/info → note;
`security-severity` lets GitHub code scanning rank them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TextIO

from auditor.models.findings import AuditResult, Finding, Severity
from auditor.reporters.evidence_text import for_result
from auditor.ruleset import load_rules

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {Severity.critical: "error", Severity.high: "error", Severity.medium: "warning",
          Severity.low: "note", Severity.info: "note"}
_SCORE = {Severity.critical: "9.5", Severity.high: "8.0", Severity.medium: "5.5", Severity.low: "3.0",
          Severity.info: "1.0"}
_FILE_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+)$")


def _uri(path: str) -> dict[str, str]:
    p = Path(path)
    try:
        return {"uri": p.resolve().relative_to(Path.cwd().resolve()).as_posix(), "uriBaseId": "%SRCROOT%"}
    except ValueError:
        return {"uri": p.resolve().as_uri()}


def _location(finding: Finding) -> dict[str, Any]:
    location: dict[str, Any] = {}
    match = _FILE_LINE.match(finding.location or "")
    if match:
        location["physicalLocation"] = {"artifactLocation": _uri(match["file"]),
                                        "region": {"startLine": int(match["line"])}}
    kind = "column" if finding.column else "table" if finding.table else "role" if finding.role else "service"
    location["logicalLocations"] = [{"fullyQualifiedName": finding.target or "service", "kind": kind}]
    return location


def to_sarif(result: AuditResult) -> dict[str, Any]:
    words = for_result(result)
    ruleset = load_rules()
    lang = result.lang
    codes = sorted({f.rule for f in result.findings} | set(ruleset.rules))
    rules = []
    for code in codes:
        rule = ruleset.get(code)
        refs = "\n".join(f"- {r.label}" + (f" <{r.url}>" if r.url else "") for r in rule.references_in(lang))
        rules.append({
            "id": code, "name": rule.name,
            "shortDescription": {"text": rule.summary.get(lang)},
            "fullDescription": {"text": rule.rationale.get(lang)},
            "help": {"text": f"{rule.remedy.get(lang)}\n\n{refs}",
                     "markdown": f"**{rule.summary.get(lang)}**\n\n{rule.rationale.get(lang)}\n\n"
                                 f"{rule.remedy.get(lang)}\n\n{refs}"},
            "defaultConfiguration": {"level": "warning" if rule.severity.startswith("from_")
                                     else _LEVEL[Severity(rule.severity)]},
            "properties": {"tags": ["gdpr", "privacy", rule.kind.value]},
        })
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for f in result.findings:
        entry: dict[str, Any] = {
            "ruleId": f.rule, "ruleIndex": index[f.rule], "level": _LEVEL[f.severity],
            "message": {"text": f.message}, "locations": [_location(f)],
            "partialFingerprints": {"gdprAuditorFinding/v1": f.fingerprint},
            "properties": {"severity": f.severity.value, "security-severity": _SCORE[f.severity],
                           "kind": f.kind.value, "category": f.category, "rows": f.rows,
                           "evidence": words.finding(f), "remedy": f.remedy,
                           "references": [words.reference(r) for r in f.references],
                           "baselined": f.baselined},
        }
        if f.waived:
            entry["suppressions"] = [{"kind": "external", "justification": f.waiver_reason or ""}]
        if f.baselined:
            entry["baselineState"] = "unchanged"
        results.append(entry)
    notifications = [{"level": "warning", "message": {"text": f"{e.location}: {e.message}"},
                      "descriptor": {"id": e.source}} for e in result.errors]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": result.tool.name, "version": result.tool.version,
                            "semanticVersion": result.tool.version, "rules": rules}},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": results,
        "properties": {"service": result.service, "as_of": result.as_of.isoformat(),
                       "profiles": [p.id for p in result.profiles], "status": result.summary.status},
    }]}


def render(result: AuditResult, stream: TextIO) -> None:
    json.dump(to_sarif(result), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
