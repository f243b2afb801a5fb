"""Reporters: one module per format, each exposing render(result, stream)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from auditor.models.findings import AuditResult
from auditor.reporters import (
    actions_csv,
    csv_report,
    fides_yaml,
    html,
    json_report,
    junit,
    markdown,
    notes_rows,
    pia_json,
    record_of_processing,
    sarif,
)

Renderer = Callable[[AuditResult, TextIO], None]
REPORTERS: dict[str, Renderer] = {
    "json": json_report.render, "html": html.render, "sarif": sarif.render, "junit": junit.render,
    "markdown": markdown.render, "csv": csv_report.render, "actions": actions_csv.render,
    "notes_rows": notes_rows.render, "notes_rows_jsonl": notes_rows.render_jsonl, "pia": pia_json.render,
    "record": record_of_processing.render, "fides": fides_yaml.render,
}
