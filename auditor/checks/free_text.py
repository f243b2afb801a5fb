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
from auditor.models.classification import ColumnClassification, IdentifierForm, TextMention
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


def _form(form: IdentifierForm, category: str, lang: str) -> str:
    if category == "contact.email":
        return "adresse complète" if lang == "fr" else "full address"
    if lang == "fr":
        return f"{form.length} caractères{', avec séparateurs' if form.separated else ', sans séparateur'}"
    return f"{form.length} characters{', with separators' if form.separated else ', no separator'}"


def _example(mention: TextMention, lang: str) -> str:
    if mention.forms:
        return _form(mention.forms[0], mention.category, lang)
    return f"« {mention.cues[0]} »" if mention.cues else "—"


def _evidence(col: ColumnClassification, mention: TextMention, lang: str) -> str:
    fr = lang == "fr"
    parts = [f"{mention.rows} notes lues sur {col.text_scanned}" if fr
             else f"{mention.rows} of {col.text_scanned} notes read"]
    if mention.third_party or mention.reported:
        third, reported = mention.third_party, mention.reported
        parts[0] += (f" (dont {third} sur un tiers, {reported} en discours rapporté)" if fr
                     else f" ({third} about a third party, {reported} reported speech)")
    if mention.estimate is not None and col.text_population is not None:
        parts.append(f"estimation pour la colonne : {mention.estimate} notes sur {col.text_population} "
                     f"(intervalle à 95 % : {mention.estimate_low}–{mention.estimate_high})" if fr
                     else f"estimate for the column: {mention.estimate} of {col.text_population} notes "
                          f"(95 % interval {mention.estimate_low}–{mention.estimate_high})")
    if mention.forms:
        shown = " | ".join(_form(f, mention.category, lang) for f in mention.forms)
        parts.append(f"formes : {shown}" if fr else f"forms: {shown}")
    elif mention.cues:
        shown = ", ".join(f"« {c} »" for c in mention.cues)
        parts.append(f"termes du lexique trouvés : {shown}" if fr else f"lexicon terms found: {shown}")
    return " ; ".join(parts) if fr else "; ".join(parts)


def _finding(ctx: AuditContext, rule: Rule, col: ColumnClassification, mention: TextMention,
             verdict: Verdict | None) -> Finding:
    lang = ctx.lang
    label = ctx.catalogue.taxonomy.get(mention.category).label.get(lang)
    fill = {"target": col.target, "category": mention.category, "category_label": label,
            "rows": mention.rows, "scanned": col.text_scanned, "example": _example(mention, lang)}
    references = list(rule.references)
    if verdict is not None:
        references += fact_references(verdict.profile, verdict.facts, lang)
    finding = Finding(rule=rule.code, kind=rule.kind, severity=rule.severity, table=col.table,
                      column=col.column, category=mention.category, rows=mention.rows,
                      message=rule.message.get(lang).format(**fill), evidence=_evidence(col, mention, lang),
                      remedy=rule.remedy.get(lang), references=references, location=str(col.location) or None)
    finding.fingerprint = finding.compute_fingerprint()
    return finding
