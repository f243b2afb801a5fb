"""The value detectors as great-expectations suites, one per table, for `gdpr-audit classify
--gx-suites DIR`: each column a detector recognised gets `expect_column_values_to_match_regex`
with the detector's raw-value regex and `mostly` = its min_share, so that a team running GX on
its database (where GX pushes the work into SQL) keeps checking the same thing. The check digits
that no regex can express are named in the expectation's meta.

great-expectations is imported here only: a run that does not export suites never pays for it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from auditor.classify.detectors import Detectors
from auditor.errors import AuditorError
from auditor.gx_module import great_expectations
from auditor.models.classification import ColumnClassification

_FILE_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def build_suites(columns: list[ColumnClassification], detectors: Detectors, service: str) -> dict[str, Any]:
    """Table -> suite (as GX's JSON dict) for every table with a recognised column."""
    gx = great_expectations()  # lazy: about 5 s to import
    from great_expectations.expectations.core.expect_column_values_to_match_regex import (
        ExpectColumnValuesToMatchRegex,
    )

    gx.get_context(mode="ephemeral")  # suites need a context; an ephemeral one writes nothing
    by_id = {d.id: d for d in detectors.values}
    suites: dict[str, Any] = {}
    for col in columns:
        for det_id, share in col.value_matches.items():
            det = by_id[det_id]
            if share < det.min_share or det.category not in col.categories:
                continue
            suite = suites.get(col.table)
            if suite is None:
                suite = suites[col.table] = gx.ExpectationSuite(
                    name=f"gdpr-audit.{col.table}", meta={"service": service, "generated_by": "gdpr-audit"})
            suite.add_expectation(ExpectColumnValuesToMatchRegex(
                column=col.column, regex=det.raw_regex, mostly=det.min_share,
                meta={"gdpr_category": det.category, "detector": det.id,
                      "checksum": det.validator or None, "share_in_sample": share}))
    return {table: suite.to_json_dict() for table, suite in suites.items()}


def write_suites(suites: dict[str, Any], directory: Path) -> list[Path]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for table, suite in sorted(suites.items()):
            path = directory / f"{_FILE_SAFE.sub('_', table)}.json"
            text = json.dumps(suite, indent=2, ensure_ascii=False, default=str) + "\n"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as err:
        raise AuditorError(f"cannot write the GX suites ({err.strerror})", file=str(directory)) from None
    return written
