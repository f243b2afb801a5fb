"""The severity policy (docs/severity.md), one place for every check.

A finding's severity answers three questions, in this order:
  1. the legal force of what it breaks: a rule's fixed severity (the GDPR or a statute itself), or,
     for a rule that takes it from the profile, the text behind the profile's fact: a binding text
     -> high, a référentiel's recommendation -> the check's default (medium; low for a condition
     met without its written justification);
  2. how well that fact is verified against its official text: when every fact behind the finding
     is unverified, one step lower (high -> medium -> low -> info), and the finding's confidence
     says so (`unverified`); checked against a secondary source: `secondary`;
  3. the data and who sees it: a finding on art. 9 or art. 10 data is never below high, however
     the facts are verified; and one saying that people who should not can read such data (a rule
     marked `exposure`) is critical, high when the recipient list behind it is unverified.
Steps 1 and 2 are the checks' (`from_facts`); step 3 runs once over every finding (`apply`).
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.models.findings import Finding, Severity
from auditor.models.profile import Fact, Sensitivity, Verification
from auditor.models.rule import Rule
from auditor.profiles import Taxonomy

ART_9_10 = frozenset({Sensitivity.special, Sensitivity.offences})
_WEAKEST = (Verification.unverified.value, Verification.secondary.value, Verification.verified.value)


def lower(severity: Severity) -> Severity:
    """One step less severe (info stays info)."""
    order = list(Severity)
    return order[min(order.index(severity) + 1, len(order) - 1)]


def from_facts(rule: Rule, facts: list[Fact], binding: bool, default: Severity = Severity.medium) -> Severity:
    """Steps 1 and 2: a fixed rule severity, or one derived from the profile facts behind the
    finding, a step lower when none of them is verified."""
    if rule.severity != "from_profile":
        return Severity(rule.severity)
    severity = Severity.high if binding else default
    if facts and all(f.verification == Verification.unverified for f in facts):
        return lower(severity)
    return severity


def confidence(finding: Finding) -> str | None:
    """The weakest verification of the profile facts the finding cites (its references that carry
    one); None when it rests on no profile fact (the GDPR or a statute cited by the rule)."""
    found = {r.verification for r in finding.references if r.verification}
    return next((v for v in _WEAKEST if v in found), None)


def categories(finding: Finding) -> set[str]:
    """The data categories a finding is about: its own, and those its evidence names (the categories
    a role reads beyond its recipient's, a table's columns)."""
    found = {finding.category} if finding.category else set()
    for item in finding.evidence:
        value = item.values.get("category")
        if isinstance(value, str) and item.code != "reason":
            found.add(value)
        listed = item.values.get("categories")
        if isinstance(listed, list):
            found.update(listed)
    return found


def apply(findings: Iterable[Finding], rules: dict[str, Rule], taxonomy: Taxonomy) -> None:
    """Step 3 and the confidence shown, on every finding of the audit."""
    for finding in findings:
        finding.confidence = confidence(finding)
        sensitive = any(c in taxonomy.categories and taxonomy.sensitivity(c) in ART_9_10
                        for c in categories(finding))
        if not sensitive:
            continue
        rule = rules.get(finding.rule)
        if rule is not None and rule.exposure:
            unverified = finding.confidence == Verification.unverified.value
            exposed = Severity.high if unverified else Severity.critical
            if not finding.severity.at_least(exposed):
                finding.severity = exposed
        if not finding.severity.at_least(Severity.high):
            finding.severity = Severity.high
