"""Free text (CNIL « zones bloc-notes »): what the notes mention, against the declared purposes.

For each free-text column whose sampled notes were scanned (auditor/sources/free_text_scan.py):

- an art. 9 or art. 10 category no declared purpose allows -> TXT001 (high);
- one a purpose allows, perhaps under a condition -> TXT002 (medium): it belongs in its
  dedicated, access-restricted field, not in notes every reader sees;
- a valid NIR or IBAN copied into notes -> TXT003 (medium).

Evidence is counts (with the notes about a third party and those in reported speech), the estimate
for the whole column when a sample was read, and the lexicon's terms that matched or the forms of
the identifiers: never note text.
"""

from __future__ import annotations

from auditor.checks.context import AuditContext, fact_references
from auditor.checks.minimisation import Verdict, best_verdict
from auditor.models.classification import ColumnClassification, TextMention
from auditor.models.evidence import Evidence, fact
from auditor.models.findings import Finding
from auditor.models.profile import Sensitivity
from auditor.models.rule import Rule

_SENSITIVE = {Sensitivity.special, Sensitivity.offences}
_IDENTIFIERS = {"identity.nir", "financial.bank_account"}


def _status(ctx: AuditContext, col: ColumnClassification,
            mention: TextMention) -> tuple[str | None, Verdict | None]:
    """The rule status of a mention, and the profile verdict behind it (None for identifiers)."""
    if mention.category in _IDENTIFIERS:
        return "text_identifier", None
    if ctx.catalogue.taxonomy.sensitivity(mention.category) not in _SENSITIVE:
        return None, None
    verdict = best_verdict(ctx, col, mention.category)
    if verdict is None:
        return None, None
    return ("text_not_allowed" if verdict.status == "not_allowed" else "text_permitted"), verdict


def check_free_text(ctx: AuditContext) -> list[Finding]:
    rules = {r.match.status: r for r in ctx.rules.of_kind("free_text")}
    findings = []
    for col in ctx.columns:
        if col.subject is None or not col.text_mentions:
            continue
        for mention in col.text_mentions:
            status, verdict = _status(ctx, col, mention)
            if status is not None and status in rules:
                findings.append(_finding(ctx, rules[status], col, mention, verdict))
    return findings


def _evidence(col: ColumnClassification, mention: TextMention) -> list[Evidence]:
    parts = [fact("notes_read", rows=mention.rows, scanned=col.text_scanned)]
    if mention.third_party or mention.reported:
        parts.append(fact("notes_qualified", third_party=mention.third_party, reported=mention.reported))
    if mention.estimate is not None and col.text_population is not None:
        parts.append(fact("notes_estimate", estimate=mention.estimate, population=col.text_population,
                          low=mention.estimate_low, high=mention.estimate_high))
    if mention.forms:
        parts += [fact("identifier_form", category=mention.category, length=f.length, separated=f.separated)
                  for f in mention.forms]
    elif mention.cues:
        parts.append(fact("lexicon_terms", terms=list(mention.cues)))
    return parts


def _finding(ctx: AuditContext, rule: Rule, col: ColumnClassification, mention: TextMention,
             verdict: Verdict | None) -> Finding:
    lang = ctx.lang
    label = ctx.catalogue.taxonomy.get(mention.category).label.get(lang)
    fill = {"target": col.target, "category": mention.category, "category_label": label,
            "rows": mention.rows, "scanned": col.text_scanned}
    references = rule.references_in(lang)
    if verdict is not None:
        references += fact_references(verdict.profile, verdict.facts, lang)
    finding = Finding(rule=rule.code, kind=rule.kind, severity=rule.severity, table=col.table,
                      column=col.column, category=mention.category, rows=mention.rows,
                      message=rule.message.get(lang).format(**fill), evidence=_evidence(col, mention),
                      remedy=rule.remedy.get(lang), references=references, location=str(col.location) or None)
    finding.fingerprint = finding.compute_fingerprint()
    return finding
