"""The executive page of the HTML report: the verdict in a sentence, the five priorities, the DPIA
answer and why, key figures, and the categories × purposes picture with the forbidden cells and
the conditional cells nobody justified. Built from the audit result; the template lays it out."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.models.findings import Action, AuditResult, ComplianceMatrix, Severity
from auditor.models.profile import Sensitivity
from auditor.reporters import locale_format as fmt
from auditor.reporters.evidence_text import EvidenceText
from auditor.reporters.labels import labels

PRIORITIES = 5
_SERIOUS = (Severity.critical, Severity.high)
_SENSITIVE = (Sensitivity.special, Sensitivity.offences)
# What each cell of the picture shows: its class, and the mark read without colour
MARKS = {"allowed": "●", "conditional": "◐", "unjustified": "!", "forbidden": "✗", "not_needed": ""}


@dataclass
class Figure:
    label: str
    value: str


@dataclass
class GridRow:
    category: str
    label: str
    cells: list[str] = field(default_factory=list)  # per purpose: a key of MARKS


@dataclass
class Picture:
    matrix: ComplianceMatrix
    rows: list[GridRow]


@dataclass
class Executive:
    verdict: str
    priorities: list[Action]
    figures: list[Figure] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)


def _plural(t: dict[str, str], key: str, n: int) -> str:
    return t[f"{key}_one"] if n == 1 and f"{key}_one" in t else t[key]


def verdict(result: AuditResult) -> str:
    """One sentence a DPO can sign: whether the service complies with the purposes it declares,
    what must be corrected first and what remains."""
    t, lang = labels(result.lang), result.lang
    active = [f for f in result.findings if not f.waived]
    serious = sum(1 for f in active if f.severity in _SERIOUS)
    medium = sum(1 for f in active if f.severity is Severity.medium)
    minor = len(active) - serious - medium
    values = {"date": fmt.date(result.as_of, lang), "serious": fmt.number(serious, lang),
              "medium": fmt.number(medium, lang), "others": fmt.number(len(active) - serious, lang),
              "minor": fmt.number(minor, lang)}
    if serious:
        head = _plural(t, "verdict_serious", serious)
        tail = _plural(t, "verdict_serious_rest", len(active) - serious) if len(active) > serious else ""
    elif medium:
        head, tail = _plural(t, "verdict_medium", medium), ""
    elif active:
        head, tail = _plural(t, "verdict_minor", minor), ""
    else:
        head, tail = t["verdict_none"], ""
    return (head + (tail or ".")).format(**values)


def priorities(result: AuditResult, n: int = PRIORITIES) -> list[Action]:
    """The first actions of the plan (two coordinates of one table are one action, the retention
    of several tables one), waived ones left out."""
    return [a for a in result.actions if a.status != "waived"][:n]


def _cell(status: str, justified: bool) -> str:
    return "unjustified" if status == "conditional" and not justified else status


def build(result: AuditResult, words: EvidenceText) -> Executive:
    t, lang = labels(result.lang), result.lang
    taxonomy = words.taxonomy
    personal = [c for c in result.columns if c.subject and c.categories]
    sensitive_keys = sorted({k for c in personal for k in c.categories
                             if k in taxonomy.categories and taxonomy.sensitivity(k) in _SENSITIVE})
    sensitive_columns = sum(1 for c in personal if any(k in sensitive_keys for k in c.categories))
    active = [f for f in result.findings if not f.waived]
    past = sum((s.past_total if s.past_total is not None else s.past_active) or 0
               for s in result.retention if s.counted)
    excess = sum(1 for a in result.access if "excess" in a.categories.values())
    figures = [Figure(t["fig_tables"], fmt.number(result.tables_read, lang)),
               Figure(t["fig_personal_columns"], fmt.number(len(personal), lang)),
               Figure(t["fig_sensitive_columns"], fmt.number(sensitive_columns, lang)),
               Figure(t["fig_serious"], fmt.number(sum(1 for f in active if f.severity in _SERIOUS), lang)),
               Figure(t["fig_findings"], fmt.number(len(active), lang))]
    if result.retention:
        figures.append(Figure(t["fig_past_retention"], fmt.number(past, lang)))
    if result.access:
        figures.append(Figure(t["fig_excess_roles"], fmt.number(excess, lang)))
    pictures = [Picture(m, [GridRow(row.category, row.label,
                                    [_cell(row.statuses[p], row.justified) for p in m.purposes])
                            for row in m.rows]) for m in result.compliance]
    return Executive(verdict(result), priorities(result), figures, pictures)
