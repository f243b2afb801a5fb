"""A finding's evidence and a column's reasons, put into words in the report's language.

The checks give each element as data (auditor/models/evidence.py, Reason); the sentences are in
evidence.yaml. Counts and shares are written per locale, categories, start events and
kinds of recipient by their labels, durations in words and dates in full; names of tables,
columns, detectors and the lexicon's terms as they are, in <code> in the HTML report."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache

from markupsafe import Markup, escape

from auditor.checks.access import kind_label
from auditor.durations import humane_iso
from auditor.models.classification import Reason
from auditor.models.evidence import Evidence, Value
from auditor.models.findings import AuditResult, DpiaCriterionMet, DpiaListItem, Finding, Reference
from auditor.models.inventory import ReadError
from auditor.models.profile import NirUse, SharingCondition
from auditor.profiles import Taxonomy, load_taxonomy
from auditor.reporters import locale_format as fmt
from auditor.reporters.labels import labels

_SQL = r"(?:SELECT|INSERT|UPDATE|DELETE|TRUNCATE|REFERENCES|TRIGGER|ALL|USAGE|WITH GRANT OPTION)(?:[, ]+(?:" \
       r"SELECT|INSERT|UPDATE|DELETE|TRUNCATE|REFERENCES|TRIGGER|ALL|USAGE|WITH GRANT OPTION))*"
_SHARES = {"share", "confidence"}
_QUOTED = {"subject", "detector"}  # single names, quoted in plain text
_FAILURE = {"engine", "code", "condition", "hint"}  # an engine failure's values, put into words together
_NAMES = {"purposes", "column", "columns", "type", "detector", "marker", "rule", "target", "grants",
          "subject", "words", "validator", "table", "role", "dialect", "reason", "closest"}


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


class EvidenceText:
    """Puts evidence into words for one report: plain text, or HTML with names in <code>."""

    def __init__(self, lang: str, *, html: bool = False, taxonomy: Taxonomy | None = None) -> None:
        self.lang = lang
        self.html = html
        self.taxonomy = taxonomy or default_taxonomy()
        self.texts = labels(lang, "evidence.yaml")
        self.separator = " ; " if lang == "fr" else "; "
        self._labelled: dict[str, Callable[[str], str]] = {
            "categories": self.category, "uses": self.nir_use, "conditions": self.sharing}

    # -- labels of codes ---------------------------------------------------------------------
    def category(self, key: str) -> str:
        cat = self.taxonomy.categories.get(key)
        return cat.label.get(self.lang) if cat else key

    def subject(self, key: str | None) -> str:
        label = self.taxonomy.data_subjects.get(key or "")
        return label.get(self.lang) if label else (key or "")

    def nir_use(self, key: str) -> str:
        """A use of the NIR the framework decree allows, and how that was verified."""
        return self._fact_label(self.taxonomy.nir_uses.get(key), key)

    def sharing(self, key: str) -> str:
        """A condition of shared professional secrecy, and how that was verified."""
        return self._fact_label(self.taxonomy.sharing_conditions.get(key), key)

    def _fact_label(self, fact: NirUse | SharingCondition | None, key: str) -> str:
        if fact is None:
            return key
        return f"{fact.label.get(self.lang)} ({self.texts['verification_' + fact.verification.value]})"

    def verification(self, ref: Reference | DpiaListItem) -> str:
        return self.texts[f"verification_{ref.verification}"] if ref.verification else ""

    def dpia_criterion(self, met: DpiaCriterionMet) -> str:
        """A criterion of high risk and what the audit found that meets it: « Données sensibles :
        Santé, Revenus ; personnes : Personne accompagnée »."""
        found = [self.category(k) for k in met.categories] + [self.subject(k) for k in met.subjects]
        return f"{met.label}{self.texts['colon']}{self._join(found)}"

    def reference(self, ref: Reference) -> str:
        """A reference on one plain line: its label, and how a profile's clause was verified."""
        return f"{ref.label} ({self.verification(ref)})" if ref.verification else ref.label

    def message(self, finding: Finding) -> str:
        """The finding's message; in HTML, its names (target, role) and SQL privileges in <code>."""
        if not self.html:
            return finding.message
        names = {n for n in (finding.target, finding.role, finding.table) if n}
        pattern = "|".join([*(re.escape(n) for n in sorted(names, key=len, reverse=True)), _SQL])
        text = str(escape(finding.message))
        return Markup(re.sub(rf"(?<![\w.@])({pattern})(?![\w@])", r"<code>\1</code>", text))

    def read_error(self, error: ReadError) -> str | None:
        """What could not be read, in the report's language; None when only the English message says."""
        if error.code is None or error.code not in self.texts:
            return None
        shown = {k: self._value(k, v) for k, v in error.values.items() if k not in _FAILURE}
        if "engine" in error.values:
            shown["failure"] = self._failure(error.values)
        return self._fill(error.code, shown)

    def _failure(self, values: Mapping[str, object]) -> str:
        """Why the engine failed: its name, the error's code and condition (a technical name, kept
        as the engine's documentation writes it, in <code>), and what to change for a timeout or
        the memory limit."""
        if values.get("hint") == "memory":
            return self._fill("failure_memory", {})
        engine = str(values.get("engine") or "")
        engine = self.texts.get("engine_" + engine.lower().replace(" ", "_"), engine)
        condition = str(values.get("condition") or "")
        shown: str = Markup('<code lang="en" translate="no">{}</code>').format(condition) if self.html \
            else condition
        code = str(values.get("code") or "")
        text = self._fill("failure" if code else "failure_no_code",
                          {"engine": engine, "code": code, "condition": shown})
        if values.get("hint") == "timeout":
            text = self._fill("failure_timeout", {"failure": text})
        return text

    # -- evidence ----------------------------------------------------------------------------
    def finding(self, finding: Finding) -> str:
        """Every element of a finding's evidence, joined: `a ; b` in French, `a; b` in English."""
        parts = [self.element(e) for e in finding.evidence]
        return Markup(self.separator).join(parts) if self.html else self.separator.join(parts)

    def element(self, item: Evidence) -> str:
        if item.reason is not None:
            return self.reason(item.reason)
        code = item.code
        for flag, on in item.values.items():
            if on is True and f"{code}_{flag}" in self.texts:
                code = f"{code}_{flag}"
        if code == "start_date" and len(item.values.get("columns") or []) > 1:  # type: ignore[arg-type]
            code = "start_date_several"
        if code == "declared_type" and not item.values.get("type"):
            code = "declared_type_none"
        return self._fill(code, {k: self._value(k, v) for k, v in item.values.items()})

    def reason(self, reason: Reason) -> str:
        share = reason.matched / reason.sampled if reason.matched is not None and reason.sampled else None
        values: dict[str, Value] = {
            "subject": reason.subject, "words": ", ".join(reason.words), "detector": reason.detector,
            "validator": reason.validator, "matched": reason.matched, "sampled": reason.sampled,
            "share": share, "span_years": reason.span_years, "median_age": reason.median_age,
            "distinct": reason.distinct, "distinct_sampled": reason.distinct_sampled,
            "category": reason.category}
        shown = {k: self._value(k, v) for k, v in values.items()}
        if reason.source == "name":
            read = any("=" in w for w in reason.words)
            text = self._fill("reason_name_read" if read else "reason_name", shown)
            return text + self._fill("reason_partial", {}) if reason.partial else text
        if reason.source == "values":
            code = ("reason_dates" if reason.span_years is not None
                    else "reason_values_validator" if reason.validator else "reason_values")
            return self._fill(code, shown)
        if reason.source == "type" and f"reason_type_{reason.category}" in self.texts:
            return self._fill(f"reason_type_{reason.category}", shown)  # `inet`: a network address
        return self._fill(f"reason_{reason.source}", shown)

    # -- formatting --------------------------------------------------------------------------
    def _name(self, text: str, quoted: bool = False) -> str:
        if self.html:
            return Markup("<code>{}</code>").format(text)
        if quoted:
            return f"« {text} »" if self.lang == "fr" else f"'{text}'"
        return text

    def _join(self, items: list[str]) -> str:
        return Markup(", ").join(items) if self.html else ", ".join(items)

    def _value(self, key: str, value: Value) -> str:
        lang = self.lang
        if value is None:
            return "—"
        if key == "more":
            return self._fill("more", {"more": fmt.number(value, lang)}) if value else ""  # type: ignore[arg-type]
        if key in _SHARES:
            return fmt.share(value, lang) if key == "share" else fmt.decimal(value, lang)  # type: ignore[arg-type]
        if isinstance(value, bool):
            return ""
        if isinstance(value, int | float):
            return fmt.number(value, lang)
        if key == "category":
            return self.category(str(value))
        if key in self._labelled:  # lists of the taxonomy's keys, each said by its label
            return self._join([self._labelled[key](str(k)) for k in value])
        if key == "event":
            return self.taxonomy.start_event_label(str(value), lang)
        if key == "kind":
            return kind_label(str(value), lang)
        if key == "age":
            return humane_iso(str(value), lang)
        if key == "expires":
            return fmt.date(str(value), lang)
        if key == "terms":
            return self._join([self._name(t) for t in value])
        if isinstance(value, list):
            return self._join([self._name(v) for v in value])
        return self._name(value, key in _QUOTED) if key in _NAMES else str(value)

    def _fill(self, code: str, values: Mapping[str, str]) -> str:
        template = self.texts[code]
        if self.html:
            return Markup(escape(template)).format(**values)
        return template.format(**values)


def for_result(result: AuditResult, *, html: bool = False) -> EvidenceText:
    """The words of one audit's report, in its language."""
    return EvidenceText(result.lang, html=html)
