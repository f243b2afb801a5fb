"""Security signals (GDPR art. 32) the schema and the sampled values show.

SEC001 application passwords stored in clear or as unsalted digests (MD5, SHA-1… in hex), where
       a slow salted hash (bcrypt, argon2, scrypt, pbkdf2) is expected; judged from the sample;
SEC002 third-party credentials or tokens whose sampled values are readable (not hashed, not
       binary): a secret the service keeps must be encrypted, and a third-party password should
       not be kept at all;
SEC003 a category the profile wants encrypted at rest (its `encryption_at_rest` measure: health,
       NIR, bank details…) stored in a readable column (text or boolean type, or values the
       detectors read);
SEC004 no access-log table although the profile requires traceability (`access_logging`).

The measure each rule checks is named in its YAML (`match.measure`). Values are never shown: the
evidence gives the detector's share of the sample or the declared type.
"""

from __future__ import annotations

import re

from auditor.checks import severity as policy
from auditor.checks.context import AuditContext, fact_references
from auditor.models.classification import ColumnClassification
from auditor.models.evidence import Evidence, fact, reasons
from auditor.models.findings import Finding, Severity
from auditor.models.profile import Fact, Profile, SecurityMeasure
from auditor.models.rule import Rule

_BINARY = re.compile(r"\b(BYTEA|BLOB|LONGBLOB|MEDIUMBLOB|VARBINARY|BINARY|RAW|IMAGE)\b", re.IGNORECASE)
_STRONG = "password_hash"
_WEAK = "hex_digest"


def _rule(ctx: AuditContext, status: str) -> Rule:
    return next(r for r in ctx.rules.of_kind("security") if r.match.status == status)


def _measures(ctx: AuditContext, measure_id: str | None) -> list[tuple[Profile, SecurityMeasure]]:
    return [(p, m) for p in ctx.profiles() for m in p.security if m.id == measure_id]


def _stored_readable(col: ColumnClassification) -> bool:
    return not (col.type and _BINARY.search(col.type)) and not col.hashed


def check_security(ctx: AuditContext) -> list[Finding]:
    findings: list[Finding] = []
    taxonomy = ctx.catalogue.taxonomy
    tables = {t.qualified_name: t for t in ctx.inventory.tables} if ctx.inventory else {}
    columns = [c for c in ctx.columns if c.subject is not None and (tables.get(c.table) is None
                                                                     or tables[c.table].stores_rows)]
    for col in columns:
        if any(taxonomy.covers("credentials.account_password", c) for c in col.categories):
            detail = _password_storage(ctx, col)
            if detail:
                findings.append(_finding(ctx, _rule(ctx, "weak_password_storage"), col, [detail]))
        secrets = [c for c in col.categories if c in {"credentials.third_party", "credentials.token"}]
        if secrets and col.values_sampled and _stored_readable(col):
            detail = fact("readable_not_hashed", sampled=col.values_sampled)
            findings.append(_finding(ctx, _rule(ctx, "secret_in_clear"), col, [detail], category=secrets[0]))
    findings += _in_clear(ctx, columns)
    findings += _no_access_log(ctx)
    return findings


def _password_storage(ctx: AuditContext, col: ColumnClassification) -> Evidence | None:
    if not col.values_sampled or (col.type and _BINARY.search(col.type)):
        return None  # nothing sampled, or stored as bytes: nothing to say from here
    strong, weak = col.value_matches.get(_STRONG, 0.0), col.value_matches.get(_WEAK, 0.0)
    if strong >= 0.8:
        return None
    if weak >= 0.8:
        return fact("unsalted_digests", share=weak, sampled=col.values_sampled)
    return fact("not_password_hashes", share=1 - strong, sampled=col.values_sampled)


def _in_clear(ctx: AuditContext, columns: list[ColumnClassification]) -> list[Finding]:
    rule = _rule(ctx, "sensitive_in_clear")
    taxonomy = ctx.catalogue.taxonomy
    findings = []
    for col in columns:
        for profile, measure in _measures(ctx, rule.match.measure):
            hit = next((c for c in col.categories if not c.startswith("credentials")
                        and any(taxonomy.covers(m, c) for m in measure.categories)), None)
            if hit is None or not _stored_readable(col):
                continue
            matched = {d: share for d, share in col.value_matches.items() if share > 0}
            details = ([fact("detector_share", detector=d, share=v) for d, v in matched.items()]
                       if matched else [fact("declared_type", type=col.type)])
            findings.append(_finding(ctx, rule, col, details, category=hit, profile=profile, facts=[measure]))
            break
    return findings


def _no_access_log(ctx: AuditContext) -> list[Finding]:
    rule = _rule(ctx, "no_access_log")
    measures = _measures(ctx, rule.match.measure)
    if not measures or ctx.inventory is None or not ctx.inventory.tables:
        return []
    if any(ctx.catalogue.taxonomy.covers("logs.access", c) for col in ctx.columns for c in col.categories):
        return []
    profile, measure = measures[0]
    lang = ctx.lang
    severity = policy.from_facts(rule, [measure], profile.source.binding, Severity.medium)
    finding = Finding(rule=rule.code, kind=rule.kind, severity=severity,
                      message=rule.message.get(lang).format(profile=profile.id, target="", category=""),
                      evidence=[fact("no_access_log", columns=len(ctx.columns))],
                      remedy=rule.remedy.get(lang),
                      references=[*rule.references_in(lang), *fact_references(profile, [measure], lang)])
    finding.fingerprint = finding.compute_fingerprint()
    return [finding]


def _finding(ctx: AuditContext, rule: Rule, col: ColumnClassification, details: list[Evidence], *,
             category: str | None = None, profile: Profile | None = None,
             facts: list[Fact] | None = None) -> Finding:
    lang = ctx.lang
    category = category or col.categories[0]
    fill = {"target": col.target, "category": category,
            "category_label": ctx.catalogue.taxonomy.get(category).label.get(lang),
            "profile": profile.id if profile else ""}
    binding = bool(profile and profile.source.binding)
    severity = policy.from_facts(rule, facts or [], binding, Severity.medium)
    references = rule.references_in(lang)
    if profile is not None and facts:
        references += fact_references(profile, facts, lang)
    finding = Finding(rule=rule.code, kind=rule.kind, severity=severity, table=col.table, column=col.column,
                      category=category, message=rule.message.get(lang).format(**fill),
                      evidence=[*reasons(col.reasons), *details],
                      remedy=rule.remedy.get(lang),
                      references=references, location=str(col.location) or None)
    finding.fingerprint = finding.compute_fingerprint()
    return finding
