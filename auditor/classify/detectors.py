"""Value detectors, loaded from rules/classification/value_detectors.yaml, and how each
normalises a value in SQL. The engine side lives in auditor/sources/sample_values.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.classify.validators import VALIDATORS
from auditor.errors import RuleError
from auditor.models.profile import Strict
from auditor.models.values import BirthDates, ValueDetector, ValueVocabularies
from auditor.profiles import Taxonomy
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, locate, validate

# How a value is normalised before matching, as a DuckDB expression of {v}.
NORMALISE = {
    "trim": "trim({v})",
    "lower": "lower(trim({v}))",
    "compact": "upper(regexp_replace(trim({v}), '[\\s.\\-]', '', 'g'))",
    "phone": "regexp_replace(trim({v}), '[\\s.\\-()]', '', 'g')",
}


class DetectorsFile(Strict):
    version: int
    detectors: list[ValueDetector]
    birth_dates: BirthDates


@dataclass
class Detectors:
    values: list[ValueDetector]
    birth_dates: BirthDates
    file: str = ""
    vocabularies: ValueVocabularies | None = None


# How a value is normalised before it is matched against a value vocabulary, in DuckDB.
VOCABULARY_NORMALISE = "trim(regexp_replace(lower(strip_accents({v})), '[^a-z0-9+\\-]+', ' ', 'g'))"


def vocabulary_pattern(entries: list[str]) -> str:
    """One RE2 pattern: an entry as the whole words that start the normalised value."""
    return "^(?:" + "|".join(f"(?:{e})" for e in entries) + ")(?: |$)"


def load_vocabularies(taxonomy: Taxonomy, path: Path | None = None) -> ValueVocabularies:
    path = path or data_dir("rules") / "classification" / "value_vocabularies.yaml"
    raw = load_yaml_file(path, RuleError)
    model = validate(ValueVocabularies, raw, str(path), RuleError)
    for i, vocab in enumerate(model.vocabularies):
        problem = taxonomy.check_key(vocab.category)
        if problem:
            raise RuleError(problem, file=str(path), line=locate(raw, ("vocabularies", i, "category")))
        for j, entry in enumerate(vocab.entries):
            try:
                re.compile(entry)
            except re.error as err:
                raise RuleError(f"invalid regular expression: {err}", file=str(path),
                                line=locate(raw, ("vocabularies", i, "entries", j))) from None
    return model


def load_detectors(taxonomy: Taxonomy, path: Path | None = None) -> Detectors:
    path = path or data_dir("rules") / "classification" / "value_detectors.yaml"
    raw = load_yaml_file(path, RuleError)
    model = validate(DetectorsFile, raw, str(path), RuleError)

    def fail(problem: str, loc: tuple[str | int, ...]) -> None:
        raise RuleError(problem, file=str(path), line=locate(raw, loc), key=".".join(map(str, loc)))

    for i, det in enumerate(model.detectors):
        problem = taxonomy.check_key(det.category)
        if problem:
            fail(problem, ("detectors", i, "category"))
        if det.validator is not None and det.validator not in VALIDATORS:
            fail(f"unknown validator {det.validator!r}; known: {', '.join(sorted(VALIDATORS))}",
                 ("detectors", i, "validator"))
        for attr in ("pattern", "gx_regex"):
            try:
                re.compile(getattr(det, attr) or "")
            except re.error as err:
                fail(f"invalid regular expression: {err}", ("detectors", i, attr))
    problem = taxonomy.check_key(model.birth_dates.category)
    if problem:
        fail(problem, ("birth_dates", "category"))
    vocab_path = path.with_name("value_vocabularies.yaml")
    vocabularies = load_vocabularies(taxonomy, vocab_path) if vocab_path.is_file() else None
    return Detectors(model.detectors, model.birth_dates, str(path), vocabularies)
