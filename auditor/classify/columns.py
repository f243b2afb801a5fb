"""Classify every column of an inventory from its name, comment and declared type.

Each signal gives a category a confidence; signals for the same category combine as
independent evidence (1 - Π(1 - c)). Every category comes with the reasons that led there, so
that a DPO can check the classification rather than trust it. Config overrides win.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict

from auditor.classify.detectors import Detectors
from auditor.classify.identifiers import normalise_identifier, normalise_text
from auditor.classify.values import Signal, hashed, value_matches, value_signals
from auditor.classify.vocabulary import Vocabulary
from auditor.models.classification import ColumnClassification
from auditor.models.inventory import Column, Inventory, Table
from auditor.models.profile import Sensitivity
from auditor.profiles import Taxonomy
from auditor.sources.sample_values import ColumnValues, ValueProfile

PARTIAL_PENALTY = 0.15
COMMENT_CONFIDENCE = 0.7
THRESHOLD = 0.5
_TEXT_TYPE = re.compile(r"(CHAR|TEXT|CLOB|STRING|JSON|VARCHAR|NVARCHAR|XML)", re.IGNORECASE)
_FLAG_TYPE = re.compile(r"^\s*(BOOL|BOOLEAN|BIT|TINYINT)\b", re.IGNORECASE)
_ALWAYS_SENSITIVE = {Sensitivity.special, Sensitivity.offences}


def _is_text(col: Column) -> bool:
    return col.type is None or bool(_TEXT_TYPE.search(col.type))


_UNKNOWN = "?"


def _named_subject(table: Table, vocab: Vocabulary, overrides: dict[str, str], prefix: str | None) -> str:
    """The subject the config or the table's name gives ("none" for no person), or "?"."""
    for pattern, subject in overrides.items():
        if _matches(pattern, table.qualified_name) or _matches(pattern, table.name):
            return subject
    norm = table_key(table, vocab, prefix)
    for subject, regex in vocab.subjects:
        if regex.match(norm):
            return subject
    return _UNKNOWN


def table_subjects(inventory: Inventory, vocab: Vocabulary, overrides: dict[str, str],
                   prefix: str | None = None) -> dict[str, str | None]:
    """Whose data each table holds: from the config, else the table's name, else the one person
    subject its foreign keys point to (`conge.agent_id -> agent`: staff), else the default."""
    named = {t.qualified_name: _named_subject(t, vocab, overrides, prefix) for t in inventory.tables}
    by_name = {t.name.lower(): t.qualified_name for t in inventory.tables}
    result: dict[str, str | None] = {}
    for table in inventory.tables:
        subject = named[table.qualified_name]
        if subject == _UNKNOWN:
            targets = {named.get(by_name.get(fk.ref_table.lower(), ""), _UNKNOWN)
                       for fk in table.foreign_keys}
            targets = {vocab.default_subject if t == _UNKNOWN else t for t in targets}
            people = targets - {"none"}
            subject = people.pop() if len(people) == 1 else vocab.default_subject
        result[table.qualified_name] = None if subject == "none" else subject
    return result


def table_subject(table: Table, vocab: Vocabulary, overrides: dict[str, str],
                  prefix: str | None = None) -> str | None:
    subject = _named_subject(table, vocab, overrides, prefix)
    if subject == _UNKNOWN:
        subject = vocab.default_subject
    return None if subject == "none" else subject


def schema_prefix(inventory: Inventory) -> str | None:
    """A first token most table names share (civicrm_, m_ in fineract): a product prefix."""
    firsts = [normalise_identifier(t.name).split("_", 1)[0] for t in inventory.tables
              if "_" in normalise_identifier(t.name)]
    if len(inventory.tables) >= 5 and firsts:
        token = max(set(firsts), key=firsts.count)
        if firsts.count(token) >= 0.8 * len(inventory.tables):
            return token
    return None


def table_key(table: Table, vocab: Vocabulary, prefix: str | None = None) -> str:
    """The normalised table name without a technical or product prefix (tbl_client, m_client,
    civicrm_contact -> client, client, contact)."""
    norm = normalise_identifier(table.name)
    if prefix and norm.startswith(prefix + "_"):
        norm = norm[len(prefix) + 1:]
    if vocab.table_prefixes is not None:
        m = vocab.table_prefixes.match(norm)
        if m and m.end() < len(norm):
            return norm[m.end() + 1:]
    return norm


def column_prefix(table: Table, key: str) -> str | None:
    """A token most columns start with that abbreviates the table (`usr_nom`, `usr_tel` in
    t_usr; `cli_nom` in tbl_client), stripped before matching column names."""
    names = [normalise_identifier(c.name) for c in table.columns]
    firsts = [n.split("_", 1)[0] for n in names if "_" in n]
    if len(names) >= 3 and firsts:
        token = max(set(firsts), key=firsts.count)
        if firsts.count(token) >= 0.6 * len(names) and key.startswith(token[:3]):
            return token
    return None


def _matches(pattern: str, name: str) -> bool:
    return fnmatch.fnmatchcase(name.lower(), pattern.lower())


def _name_signals(col: Column, vocab: Vocabulary, taxonomy: Taxonomy, subject: str | None,
                  table: str, prefix: str | None) -> list[Signal]:
    """Signals from the column's name and comment. With a column prefix (`usr_nom` in t_usr), the
    name is read whole first and without the prefix only if that says nothing whole."""
    norm = normalise_identifier(col.name)
    signals = _signals_for(norm, col, vocab, taxonomy, subject, table)
    if prefix and norm.startswith(prefix + "_") and len(norm) > len(prefix) + 1 \
            and not any(s.strong for s in signals):
        signals = _signals_for(norm[len(prefix) + 1:], col, vocab, taxonomy, subject, table)
    return signals


def _signals_for(norm: str, col: Column, vocab: Vocabulary, taxonomy: Taxonomy, subject: str | None,
                 table: str) -> list[Signal]:
    # a flag, a count or a link (email_verified, notes_count, location_type_id, a BIT column): its
    # name or comment may mention a category without the column holding it, save for special ones
    flag_like = bool(vocab.not_names and vocab.not_names.match(norm)) or \
        bool(col.type and _FLAG_TYPE.match(col.type))
    comment = normalise_text(col.comment) if col.comment else None
    signals = []
    for compiled in vocab.names:
        rule = compiled.rule
        if not compiled.applies(subject, table):
            continue
        if rule.types == "text" and not _is_text(col):
            continue
        weak_ok = not (flag_like and taxonomy.sensitivity(rule.category) not in _ALWAYS_SENSITIVE)
        if compiled.full.match(norm):  # a name the vocabulary lists whole: even flag-like
            signals.append(Signal(rule.category, rule.confidence,
                                  f"name '{col.name}' names {rule.category}", strong=True))
        elif compiled.token.search(norm) and weak_ok:
            signals.append(Signal(rule.category, rule.confidence - PARTIAL_PENALTY,
                                  f"name '{col.name}' contains a {rule.category} term", strong=False))
        if comment and weak_ok and any(p.search(comment) for p in compiled.comments):
            signals.append(Signal(rule.category, COMMENT_CONFIDENCE,
                                  f"comment mentions {rule.category}", strong=False))
    return signals


def classify_column(table: Table, col: Column, subject: str | None, vocab: Vocabulary,
                    taxonomy: Taxonomy, overrides: dict[str, list[str]],
                    detectors: Detectors | None = None,
                    values: ColumnValues | None = None, prefix: str | None = None,
                    table_name: str | None = None) -> ColumnClassification:
    result = ColumnClassification(table=table.qualified_name, column=col.name, type=col.type,
                                  subject=subject, confidence=0.0, location=col.location)
    if values is not None and detectors is not None:
        result.values_sampled = values.sampled
        result.value_matches = value_matches(values)
        result.hashed = hashed(values, detectors)
    for pattern, categories in overrides.items():
        if _matches(pattern, result.target) or _matches(pattern, f"{table.name}.{col.name}"):
            result.categories = list(categories)
            result.confidence = 1.0
            result.reasons = [f"override '{pattern}' in the audit configuration"]
            return result
    combined: dict[str, float] = defaultdict(float)
    reasons: dict[str, list[str]] = defaultdict(list)
    signals = _name_signals(col, vocab, taxonomy, subject, table_name or table_key(table, vocab), prefix)
    if detectors is not None:
        signals += value_signals(values, detectors)
    strong = {s.category for s in signals if s.strong}
    if strong:  # a whole-name or value match wins over partial matches of other categories
        signals = [s for s in signals if s.category in strong
                   or taxonomy.sensitivity(s.category) in _ALWAYS_SENSITIVE]
    for s in signals:
        combined[s.category] = 1 - (1 - combined[s.category]) * (1 - s.confidence)
        reasons[s.category].append(s.reason)
    kept = sorted((c for c, v in combined.items() if v >= THRESHOLD),
                  key=lambda c: (-combined[c], c))
    kept = [c for c in kept if not any(k != c and taxonomy.covers(c, k) for k in kept)]
    result.categories = kept
    result.confidence = round(max((combined[c] for c in kept), default=0.0), 2)
    result.reasons = [r for c in kept for r in reasons[c]]
    return result


def classify(inventory: Inventory, taxonomy: Taxonomy, vocab: Vocabulary,
             overrides: dict[str, list[str]] | None = None,
             subjects: dict[str, str] | None = None, detectors: Detectors | None = None,
             values: ValueProfile | None = None) -> list[ColumnClassification]:
    """One ColumnClassification per column of every table and view, in inventory order."""
    results = []
    product = schema_prefix(inventory)
    subject_of = table_subjects(inventory, vocab, subjects or {}, product)
    for table in inventory.tables:
        subject = subject_of[table.qualified_name]
        key = table_key(table, vocab, product)
        prefix = column_prefix(table, key)
        for col in table.columns:
            col_values = values.get(table.qualified_name, col.name) if values else None
            results.append(classify_column(table, col, subject, vocab, taxonomy, overrides or {},
                                           detectors, col_values, prefix, key))
    return results
