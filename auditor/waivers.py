"""Waivers from the config: a reasoned, dated exception for a rule on a target.

A waived finding stays in the report, marked with its reason, and no longer counts for the exit
code. An expired waiver no longer applies, and is itself a finding (WAI001): the exception someone
granted has lapsed and must be renewed or the problem fixed. An unused waiver is reported (the CLI
warns): it matches nothing, perhaps because of a typo in its target.
"""

from __future__ import annotations

import datetime as dt
import fnmatch

from auditor.config import Waiver
from auditor.models.evidence import fact
from auditor.models.findings import Finding, WaiverStatus
from auditor.ruleset import RuleSet


def apply_waivers(findings: list[Finding], waivers: list[Waiver],
                  as_of: dt.date) -> list[WaiverStatus]:
    statuses = []
    for waiver in waivers:
        expired = waiver.expires is not None and waiver.expires < as_of
        used = False
        for finding in findings:
            target = finding.target
            short = target.split(".", 1)[1] if target.count(".") >= 2 else target
            if finding.rule.upper() != waiver.rule.upper() or not any(
                    fnmatch.fnmatchcase(t.lower(), waiver.target.lower()) for t in (target, short)):
                continue
            used = True
            if not expired:
                finding.waived = True
                finding.waiver_reason = waiver.reason
        status = "expired" if expired else ("applied" if used else "unused")
        statuses.append(WaiverStatus(rule=waiver.rule, target=waiver.target, reason=waiver.reason,
                                     expires=waiver.expires, status=status))
    return statuses


def expired_waiver_findings(statuses: list[WaiverStatus], rules: RuleSet, lang: str) -> list[Finding]:
    rule = rules.get("WAI001")
    out = []
    for w in statuses:
        if w.status != "expired":
            continue
        fill = {"rule": w.rule, "target": w.target, "expires": w.expires, "reason": w.reason}
        finding = Finding(rule=rule.code, kind=rule.kind, severity=rule.severity, role=None,
                          category=None, message=rule.message.get(lang).format(**fill),
                          evidence=[fact("waiver_expired", rule=w.rule, target=w.target,
                                         expires=w.expires.isoformat() if w.expires else None)],
                          remedy=rule.remedy.get(lang), references=rule.references_in(lang))
        finding.table = w.target  # what the waiver named, so that the finding shows where
        finding.fingerprint = finding.compute_fingerprint()
        out.append(finding)
    return out
