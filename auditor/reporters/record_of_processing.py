"""The entry of the record of processing activities (GDPR art. 30) in the fields of the CNIL's model
(« registre simplifié », its « Modèle de fiche »): the activity, its purposes, the persons concerned,
the six data families with a description and a retention period each, the nine kinds of sensitive
data, the recipients, transfers outside the EU and security measures. Filled from the audit; what
the audit cannot know (the controller, transfers) is marked to complete.

Written as CSV (two columns: field, value, in the report's language) or as an XLSX sheet of the same
rows (`pip install gdpr-auditor[office]`). Never a value of the audited data: names of tables and
columns, counts and the profiles' texts only.
"""

from __future__ import annotations

import csv
from typing import TextIO

from auditor.checks.access import kind_label
from auditor.durations import humane_iso
from auditor.models.findings import AuditResult, Kind
from auditor.reporters import locale_format as fmt
from auditor.reporters.evidence_text import for_result
from auditor.reporters.labels import labels
from auditor.reporters.rule_text import rule_summary

# The model's six data families, by the data categories they hold (the first key that covers a
# category wins); art. 9 and 10 categories go to the sensitive rows instead.
FAMILIES: list[tuple[str, tuple[str, ...]]] = [
    ("nir", ("identity.nir", "social_security")),
    ("identity", ("identity", "contact", "legal_representative", "credentials")),
    ("financial", ("financial", "professional.pay")),
    ("connection", ("logs", "credentials.account_password")),
    ("location", ("location",)),
    ("personal_life", ("family", "housing", "education", "professional", "nationality", "residence_status",
                       "social_assessment", "support_actions", "support_network", "legal_protection",
                       "child_welfare", "free_text", "whistleblowing")),
]
SENSITIVE = ["special.ethnic_origin", "special.political_opinion", "special.religion", "special.trade_union",
             "special.genetic", "special.biometric", "special.health", "special.sex_life", "offences"]


def _family(key: str) -> str | None:
    best: tuple[int, str] | None = None
    for family, prefixes in FAMILIES:
        for prefix in prefixes:
            covers = key == prefix or key.startswith(prefix + ".")
            if covers and (best is None or len(prefix) > best[0]):
                best = (len(prefix), family)
    return best[1] if best else None


def rows(result: AuditResult) -> list[tuple[str, str]]:
    """The entry as (field, value) rows, in the report's language."""
    lang = result.lang
    t = labels(lang)
    words = for_result(result)
    todo = t["record_todo"]
    personal = [c for c in result.columns if c.subject and c.categories]
    found: dict[str, list[str]] = {}
    for c in personal:
        for key in c.categories:
            found.setdefault(key, []).append(f"{c.table}.{c.column}")
    events = words.taxonomy.start_event_label
    periods: dict[str, set[str]] = {}  # table -> its retention periods, each from its start event
    for r in result.retention:
        period = f"{humane_iso(r.active, lang)} ({events(r.start_event, lang)})"
        periods.setdefault(r.table, set()).add(period)
    declared = [(p, q) for p in result.profiles for q in p.purposes]
    bases = "; ".join(f"{p.purpose_labels.get(q, q)}{t['colon']} {p.purpose_bases[q]}"
                      for p, q in declared if q in p.purpose_bases)
    out: list[tuple[str, str]] = [
        (t["record_activity"], result.service),
        (t["record_updated"], fmt.date(result.as_of, lang)),
        (t["record_controller"], todo),
        (t["record_frameworks"], "; ".join(f"{p.title} — {p.reference}" for p in result.profiles)),
        (t["record_purposes"], "; ".join(p.purpose_labels.get(q, q) for p, q in declared)),
        (t["record_legal_bases"], bases or todo),
        (t["record_persons"], "; ".join(sorted({words.subject(c.subject) for c in personal if c.subject}))),
    ]
    for family, _ in FAMILIES:
        keys = sorted(k for k in found if _family(k) == family and k not in SENSITIVE
                      and not k.startswith("special."))
        description = "; ".join(f"{words.category(k)} ({', '.join(found[k])})" for k in keys)
        tables = {column.rsplit(".", 1)[0] for k in keys for column in found[k]}
        kept = "; ".join(sorted({period for table in tables for period in periods.get(table, ())}))
        out.append((t[f"record_family_{family}"], description or t["record_none"]))
        out.append((t[f"record_family_{family}"] + t["colon"] + " " + t["record_retention"],
                    (kept or todo) if keys else "—"))
    for key in SENSITIVE:
        columns = sorted({col for k, cols in found.items() if k == key or k.startswith(key + ".")
                          for col in cols})
        out.append((t["record_sensitive"].format(category=words.category(key)),
                    t["record_yes"].format(columns=", ".join(columns)) if columns else t["record_no"]))
    unmapped = t["record_unmapped"]
    recipients = sorted({f"{a.role} ({a.recipient or (kind_label(a.kind, lang) if a.kind else unmapped)})"
                         for a in result.access if a.role.upper() != "PUBLIC"})
    out.append((t["record_recipients_internal"], "; ".join(recipients) or todo))
    out.append((t["record_recipients_external"], todo))
    out.append((t["record_transfers"], todo))
    measures = sorted({rule_summary(a.rule, lang) for a in result.actions
                       if a.kind in (Kind.security, Kind.access) and a.status != "waived"})
    out.append((t["record_security"], (t["record_security_todo"] + " " + "; ".join(measures)) if measures
                else todo))
    return out


def render(result: AuditResult, stream: TextIO) -> None:
    t = labels(result.lang)
    writer = csv.writer(stream)
    writer.writerow([t["record_field"], t["record_value"]])
    writer.writerows(rows(result))


def write_xlsx(result: AuditResult, path: str) -> None:
    """The same rows as an XLSX sheet (openpyxl, the `office` extra)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

    t = labels(result.lang)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t["record_sheet"][:31]
    sheet.append([t["record_field"], t["record_value"]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(result):
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 110
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)
