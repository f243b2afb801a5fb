"""Waivers from the config: a reasoned, dated exception for a rule on a target.

A waived finding stays in the report, marked with its reason, and no longer counts for the exit
code. An expired waiver no longer applies; every waiver's status is reported.
"""

from __future__ import annotations

import datetime as dt
import fnmatch

from auditor.config import Waiver
from auditor.models.findings import Finding, WaiverStatus


def _target(finding: Finding) -> str:
    return finding.target


def apply_waivers(findings: list[Finding], waivers: list[Waiver],
                  as_of: dt.date) -> list[WaiverStatus]:
    statuses = []
    for waiver in waivers:
        expired = waiver.expires is not None and waiver.expires < as_of
        used = False
        for finding in findings:
            target = _target(finding)
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
