"""Personal data about people that no declared profile covers (MIN007).

The minimisation check reads each column against the profiles whose data subjects include the
table's subject. A table about someone else (staff in a social-services audit, relatives where
only the person is covered) would pass unseen: this check reports it, once per table, with the
columns and categories concerned and a severity from the most sensitive of them. Tables about
nobody (organisations, places, reference lists) are not concerned.
"""

from __future__ import annotations

from collections import defaultdict

from auditor.checks.context import AuditContext
from auditor.models.classification import ColumnClassification
from auditor.models.evidence import fact
from auditor.models.findings import Finding, Severity
from auditor.models.profile import Sensitivity

# most sensitive first, to pick the category that sets the severity
_ORDER = [Sensitivity.special, Sensitivity.offences, Sensitivity.identifier, Sensitivity.financial,
          Sensitivity.standard, Sensitivity.free_text, Sensitivity.credentials, Sensitivity.technical]


def check_uncovered_subjects(ctx: AuditContext) -> list[Finding]:
    covered = {s for p in ctx.profiles() for s in p.data_subjects}
    by_table: dict[str, list[ColumnClassification]] = defaultdict(list)
    for col in ctx.columns:
        if col.subject is not None and col.categories and col.subject not in covered:
            by_table[col.table].append(col)
    rules = [r for r in ctx.rules.of_kind("minimisation") if r.match.status == "subject_not_covered"]
    if not rules or not by_table:
        return []
    rule, lang, taxonomy = rules[0], ctx.lang, ctx.catalogue.taxonomy
    subjects = taxonomy.data_subjects
    findings = []
    for table, cols in by_table.items():
        categories = sorted({c for col in cols for c in col.categories},
                            key=lambda c: (_ORDER.index(taxonomy.sensitivity(c)), c))
        top = taxonomy.sensitivity(categories[0])
        severity = Severity(rule.severity_by_sensitivity.get(top, "low")) \
            if rule.severity == "from_sensitivity" else Severity(rule.severity)
        subject = cols[0].subject or ""
        fill = {"target": table, "subject": subjects[subject].get(lang) if subject in subjects else subject,
                "profiles": ", ".join(ctx.purposes) or "—",
                "categories": ", ".join(taxonomy.get(c).label.get(lang) for c in categories)}
        evidence = [fact("column_categories", column=col.column, categories=list(col.categories))
                    for col in cols]
        finding = Finding(rule=rule.code, kind=rule.kind, severity=severity, table=table,
                          category=categories[0], message=rule.message.get(lang).format(**fill),
                          evidence=evidence, remedy=rule.remedy.get(lang),
                          references=rule.references_in(lang),
                          location=str(cols[0].location).rsplit(":", 1)[0] or None)
        finding.fingerprint = finding.compute_fingerprint()
        findings.append(finding)
    return findings
