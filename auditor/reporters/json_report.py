"""JSON report: the machine-readable result. Its stable core is documented in docs/json-report.md."""

from __future__ import annotations

import json
from typing import TextIO

from auditor.models.findings import AuditResult


def to_dict(result: AuditResult) -> dict[str, object]:
    return result.model_dump(mode="json")


def render(result: AuditResult, stream: TextIO) -> None:
    json.dump(to_dict(result), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
