"""Minimisation (GDPR art. 5.1.c): is each column's category allowed by a declared purpose?

For every classified column of a table about a profile's data subjects, each category gets a
status against the purposes that apply to the table (the table's own purposes from the config,
or every declared purpose):

- allowed: some purpose allows it (a purpose allowing `identity` allows `identity.name`);
- conditional: some purpose allows it only under a condition; fine once the config documents
  a justification for the category, a finding (MIN005) until then;
- not_allowed: no purpose allows it, or the profile forbids it outright.

The rule that reports a status is chosen from rules/minimisation/ by its `match` (status and
sensitivity): the check is code, what it reports is data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.checks import severity as policy
from auditor.checks.context import AuditContext, fact_references
from auditor.models.classification import ColumnClassification
from auditor.models.evidence import fact, reasons
from auditor.models.findings import Finding, Severity
from auditor.models.profile import ConditionalCategory, Fact, Profile, Purpose, Sensitivity
from auditor.models.rule import Rule
from auditor.profiles import Taxonomy


@dataclass
class Verdict:
    status: str  # allowed | conditional | conditional_unjustified | not_allowed
    profile: Profile
    purposes: list[Purpose]
    facts: list[Fact] = field(default_factory=list)
    condition: ConditionalCategory | None = None


def _covered(taxonomy: Taxonomy, keys: list[str], category: str) -> bool:
    return any(taxonomy.covers(k, category) for k in keys)


def judge(category: str, profile: Profile, purposes: list[Purpose], taxonomy: Taxonomy,
          justified: bool) -> Verdict:
    """The status of one category against the purposes of one profile."""
    forbidding = [f for f in profile.forbidden if taxonomy.covers(f.category, category)]
    if forbidding:
        return Verdict("not_allowed", profile, purposes, list(forbidding))
    if any(_covered(taxonomy, p.allowed, category) for p in purposes):
        return Verdict("allowed", profile, purposes)
    conditions = [c for p in purposes for c in p.conditional
                  if taxonomy.covers(c.category, category)]
    if conditions:
        status = "conditional" if justified else "conditional_unjustified"
        return Verdict(status, profile, purposes, list(conditions), conditions[0])
    forbidden_by_purpose = [f for p in purposes for f in p.forbidden
                            if taxonomy.covers(f.category, category)]
    return Verdict("not_allowed", profile, purposes, [*forbidden_by_purpose, *purposes])


def best_verdict(ctx: AuditContext, col: ColumnClassification, category: str) -> Verdict | None:
    """Across the declared profiles covering this subject, the most favourable verdict."""
    order = {"allowed": 0, "conditional": 1, "conditional_unjustified": 2, "not_allowed": 3}
    taxonomy = ctx.catalogue.taxonomy
    justified = any(taxonomy.covers(k, category) for k in ctx.settings.justifications)
    verdicts = []
    for profile in ctx.profiles():
        if col.subject not in profile.data_subjects:
            continue
        purposes = ctx.table_purposes(col.table, profile)
        if purposes is None:
            continue
        verdicts.append(judge(category, profile, purposes, taxonomy, justified))
    return min(verdicts, key=lambda v: order[v.status]) if verdicts else None


def _rule_for(ctx: AuditContext, status: str, category: str) -> Rule | None:
    sensitivity = ctx.catalogue.taxonomy.sensitivity(category)
    for rule in ctx.rules.of_kind("minimisation"):
        if rule.match.status == status and (not rule.match.sensitivity
                                            or sensitivity in rule.match.sensitivity):
            return rule
    return None


def _finding(ctx: AuditContext, rule: Rule, col: ColumnClassification, category: str,
             verdict: Verdict) -> Finding:
    lang = ctx.lang
    cat = ctx.catalogue.taxonomy.get(category)
    default = Severity.low if verdict.status == "conditional_unjustified" else Severity.medium
    severity = policy.from_facts(rule, verdict.facts, verdict.profile.source.binding, default)
    fill = {
        "target": col.target, "category": category, "category_label": cat.label.get(lang),
        "condition": verdict.condition.condition.get(lang) if verdict.condition else "",
        "profile": verdict.profile.id,
    }
    filled = ctx.samples.filled(col.table, col.column) if ctx.samples else None
    total = ctx.samples.tables[col.table].rows if filled is not None and ctx.samples else None
    evidence = [*reasons(col.reasons), fact("confidence", confidence=col.confidence),
                fact("purposes", purposes=[p.id for p in verdict.purposes])]
    if filled is not None:
        evidence.append(fact("filled", filled=filled, rows=total))
    taxonomy = ctx.catalogue.taxonomy
    if verdict.status == "not_allowed" and taxonomy.sensitivity(category) == Sensitivity.identifier \
            and taxonomy.nir_uses:
        # the NIR framework decree lists the only uses that justify it: say which
        evidence.append(fact("nir_uses", uses=list(taxonomy.nir_uses)))
    finding = Finding(
        rule=rule.code, kind=rule.kind, severity=severity, table=col.table, column=col.column,
        category=category, rows=filled, message=rule.message.get(lang).format(**fill),
        evidence=evidence, remedy=rule.remedy.get(lang),
        references=[*rule.references_in(lang), *fact_references(verdict.profile, verdict.facts, lang)],
        location=str(col.location) or None)
    finding.fingerprint = finding.compute_fingerprint()
    return finding


def check_minimisation(ctx: AuditContext) -> list[Finding]:
    findings = []
    for col in ctx.columns:
        if col.subject is None:
            continue
        for category in col.categories:
            verdict = best_verdict(ctx, col, category)
            if verdict is None or verdict.status in {"allowed", "conditional"}:
                continue
            rule = _rule_for(ctx, verdict.status, category)
            if rule is not None:
                findings.append(_finding(ctx, rule, col, category, verdict))
    return findings
