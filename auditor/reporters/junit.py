"""JUnit XML for CI test views: one test suite per principle, one failing test case per finding
(rule × target), skipped when waived or in the baseline, and one passing case per rule that
raised nothing, so that a CI page shows every rule that ran."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from auditor.models.findings import AuditResult, Kind
from auditor.reporters.evidence_text import for_result
from auditor.reporters.text_safety import printable
from auditor.ruleset import load_rules


def to_xml(result: AuditResult) -> ET.Element:
    words = for_result(result)
    ruleset = load_rules()
    root = ET.Element("testsuites", name=printable(f"gdpr-audit {result.service}"))
    total = failures = skipped = 0
    for kind in Kind:
        rules = ruleset.of_kind(kind.value)
        findings = [f for f in result.findings if f.kind == kind]
        if not rules and not findings:
            continue
        suite = ET.SubElement(root, "testsuite", name=f"gdpr-audit.{kind.value}")
        n_fail = n_skip = 0
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=f"gdpr-audit.{kind.value}.{f.rule}",
                                 name=printable(f"{f.rule} {f.target or 'service'}"))
            if f.waived or f.baselined:
                reason = f"waived: {f.waiver_reason}" if f.waived else "in the baseline"
                ET.SubElement(case, "skipped", message=printable(reason))
                n_skip += 1
            else:
                failure = ET.SubElement(case, "failure", type=f.severity.value, message=printable(f.message))
                refs = "\n".join(words.reference(r) for r in f.references)
                failure.text = printable(f"{words.finding(f)}\n\n{f.remedy}\n{refs}")
                n_fail += 1
        raised = {f.rule for f in findings}
        for rule in rules:
            if rule.code not in raised:
                ET.SubElement(suite, "testcase", classname=f"gdpr-audit.{kind.value}.{rule.code}",
                              name=f"{rule.code} {rule.summary.get(result.lang)}")
        count = len(findings) + sum(1 for r in rules if r.code not in raised)
        suite.set("tests", str(count))
        suite.set("failures", str(n_fail))
        suite.set("skipped", str(n_skip))
        suite.set("errors", "0")
        total, failures, skipped = total + count, failures + n_fail, skipped + n_skip
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("skipped", str(skipped))
    root.set("errors", "0")
    return root


def render(result: AuditResult, stream: TextIO) -> None:
    root = to_xml(result)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
