"""The classified inventory as YAML for `gdpr-audit classify`: one `table.column: [categories]`
line per column, its confidence and reasons as a comment, grouped by table with the table's
data subject. The mapping is the config's `overrides` format: a DPO corrects a line and pastes it
under `overrides:` in gdpr-audit.yml. Reasons hold names and counts only, never a value."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TextIO

from auditor.models.classification import ColumnClassification
from auditor.reporters.evidence_text import EvidenceText

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def _scalar(text: str) -> str:
    return text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_classification(columns: Iterable[ColumnClassification], stream: TextIO, *,
                          service: str, rows: int | None) -> None:
    columns = list(columns)
    words = EvidenceText("en")
    tables = list(dict.fromkeys(c.table for c in columns))
    found = sum(1 for c in columns if c.categories)
    sampled = f", {rows} sample rows" if rows is not None else ""
    stream.write(f"# gdpr-audit classify — {_one_line(service)}: {len(columns)} columns in "
                 f"{len(tables)} tables{sampled}; {found} columns hold personal data.\n"
                 "# Review each line. Paste the lines you correct under `overrides:` in gdpr-audit.yml;\n"
                 "# an override replaces the classifier's categories for that column.\n"
                 "overrides:\n")
    for table in tables:
        cols = [c for c in columns if c.table == table]
        stream.write(f"  # -- {_one_line(table)} (subject: {cols[0].subject or 'none'})\n")
        for col in cols:
            categories = ", ".join(col.categories)
            why = "; ".join(_one_line(words.reason(r)) for r in col.reasons) or "no signal"
            conf = f"{col.confidence:.2f}: " if col.categories else ""
            stream.write(f"  {_scalar(col.target)}: [{categories}]  # {conf}{why}\n")
