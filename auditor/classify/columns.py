"""Classify every column of an inventory from its name, comment and declared type.

Each signal gives a category a confidence; signals for the same category combine as
independent evidence (1 - Π(1 - c)). Every category comes with the reasons that led there, so
that a DPO can check the classification rather than trust it. Config overrides win.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict

from auditor.classify.identifiers import normalise_identifier, normalise_text
from auditor.classify.vocabulary import Vocabulary
from auditor.models.classification import ColumnClassification
from auditor.models.inventory import Column, Inventory, Table
from auditor.models.profile import Sensitivity
from auditor.profiles import Taxonomy

PARTIAL_PENALTY = 0.15
COMMENT_CONFIDENCE = 0.7
THRESHOLD = 0.5
_TEXT_TYPE = re.compile(r"(CHAR|TEXT|CLOB|STRING|JSON|VARCHAR|NVARCHAR|XML)", re.IGNORECASE)
_ALWAYS_SENSITIVE = {Sensitivity.special, Sensitivity.offences}


def _is_text(col: Column) -> bool:
    return col.type is None or bool(_TEXT_TYPE.search(col.type))


def table_subject(table: Table, vocab: Vocabulary, overrides: dict[str, str]) -> str | None:
    for pattern, subject in overrides.items():
        if _matches(pattern, table.qualified_name) or _matches(pattern, table.name):
            return None if subject == "none" else subject
    norm = normalise_identifier(table.name)
    for subject, regex in vocab.subjects:
        if regex.match(norm):
            return None if subject == "none" else subject
    return vocab.default_subject


def _matches(pattern: str, name: str) -> bool:
    return fnmatch.fnmatchcase(name.lower(), pattern.lower())


def _name_signals(col: Column, vocab: Vocabulary, taxonomy: Taxonomy
                  ) -> list[tuple[str, float, str]]:
    norm = normalise_identifier(col.name)
    flag_like = bool(vocab.not_names and vocab.not_names.match(norm))
    signals = []
    for compiled in vocab.names:
        rule = compiled.rule
        if flag_like and taxonomy.sensitivity(rule.category) not in _ALWAYS_SENSITIVE:
            continue
        if rule.types == "text" and not _is_text(col):
            continue
        if compiled.full.match(norm):
            signals.append((rule.category, rule.confidence,
                            f"name '{col.name}' is a {rule.category} name"))
        elif compiled.token.search(norm):
            signals.append((rule.category, rule.confidence - PARTIAL_PENALTY,
                            f"name '{col.name}' contains a {rule.category} term"))
        if col.comment:
            text = normalise_text(col.comment)
            if any(p.search(text) for p in compiled.comments):
                signals.append((rule.category, COMMENT_CONFIDENCE,
                                f"comment mentions {rule.category}"))
    return signals


def classify_column(table: Table, col: Column, subject: str | None, vocab: Vocabulary,
                    taxonomy: Taxonomy, overrides: dict[str, list[str]]) -> ColumnClassification:
    result = ColumnClassification(table=table.qualified_name, column=col.name, type=col.type,
                                  subject=subject, confidence=0.0, location=col.location)
    for pattern, categories in overrides.items():
        if _matches(pattern, result.target) or _matches(pattern, f"{table.name}.{col.name}"):
            result.categories = list(categories)
            result.confidence = 1.0
            result.reasons = [f"override '{pattern}' in the audit configuration"]
            return result
    combined: dict[str, float] = defaultdict(float)
    reasons: dict[str, list[str]] = defaultdict(list)
    signals = _name_signals(col, vocab, taxonomy)
    full = {c for c, _, r in signals if " is a " in r}
    if full:  # a whole-name match wins over partial matches of other categories
        signals = [s for s in signals if s[0] in full
                   or taxonomy.sensitivity(s[0]) in _ALWAYS_SENSITIVE]
    for category, confidence, reason in signals:
        combined[category] = 1 - (1 - combined[category]) * (1 - confidence)
        reasons[category].append(reason)
    kept = sorted((c for c, v in combined.items() if v >= THRESHOLD),
                  key=lambda c: (-combined[c], c))
    result.categories = kept
    result.confidence = round(max((combined[c] for c in kept), default=0.0), 2)
    result.reasons = [r for c in kept for r in reasons[c]]
    return result


def classify(inventory: Inventory, taxonomy: Taxonomy, vocab: Vocabulary,
             overrides: dict[str, list[str]] | None = None,
             subjects: dict[str, str] | None = None) -> list[ColumnClassification]:
    """One ColumnClassification per column of every table and view, in inventory order."""
    results = []
    for table in inventory.tables:
        subject = table_subject(table, vocab, subjects or {})
        for col in table.columns:
            results.append(classify_column(table, col, subject, vocab, taxonomy, overrides or {}))
    return results
