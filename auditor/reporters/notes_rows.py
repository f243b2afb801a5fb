"""The flagged notes, one row each, for the people who must review them (`--notes-rows FILE`).

Each row names a note by its table, its column and the row's primary key (when the key is one
column that holds no personal data) or else its number among the column's non-empty notes in the
order the audit read them, then what it reveals: the categories, and which of them concern a third
party or are reported speech. Never the note's text. CSV by default, JSON Lines when the file name
ends in `.jsonl`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from auditor.models.findings import AuditResult
from auditor.reporters.csv_report import safe_cell

COLUMNS = ("table", "column", "key", "note", "sampled", "categories", "third_party", "reported")


def _rows(result: AuditResult) -> Iterator[dict[str, object]]:
    for col in result.columns:
        sampled = col.text_population is not None
        for note in col.flagged_notes:
            yield {"table": col.table, "column": col.column, "key": note.key, "note": note.row + 1,
                   "sampled": sampled, "categories": note.categories, "third_party": note.third_party,
                   "reported": note.reported}


def render(result: AuditResult, stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in _rows(result):
        writer.writerow([safe_cell(" ".join(v) if isinstance(v, list) else ("" if v is None else v))
                         for v in (row[c] for c in COLUMNS)])


def render_jsonl(result: AuditResult, stream: TextIO) -> None:
    for row in _rows(result):
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
