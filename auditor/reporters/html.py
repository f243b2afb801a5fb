"""HTML report: one self-contained, autoescaped file (inline CSS, no external request)."""

from __future__ import annotations

from typing import TextIO

from jinja2 import Environment, PackageLoader, select_autoescape

from auditor.durations import humane_iso
from auditor.models.findings import AuditResult, Kind, Severity
from auditor.reporters.labels import labels

_ENV = Environment(loader=PackageLoader("auditor.reporters", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)


def render(result: AuditResult, stream: TextIO) -> None:
    template = _ENV.get_template("report.html.j2")
    by_kind = {k.value: [f for f in result.findings if f.kind == k] for k in Kind}
    stream.write(template.render(r=result, t=labels(result.lang), severities=list(Severity),
                                 by_kind={k: v for k, v in by_kind.items() if v},
                                 duration=lambda text: humane_iso(text, result.lang)))
