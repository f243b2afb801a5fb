"""Value detectors, loaded from rules/classification/value_detectors.yaml, and how each
normalises a value in SQL. The engine side lives in auditor/sources/sample_values.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.classify.validators import VALIDATORS
from auditor.errors import RuleError
from auditor.models.profile import Strict
from auditor.models.values import BirthDates, ValueDetector
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
    return Detectors(model.detectors, model.birth_dates, str(path))
