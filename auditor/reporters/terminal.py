"""Short terminal summary of an audit (rich), written to the stream the CLI gives."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from auditor.models.findings import AuditResult
from auditor.reporters.labels import labels

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "blue"}


def render(result: AuditResult, stream: TextIO, *, color: bool = False) -> None:
    t = labels(result.lang)
    console = Console(file=stream, force_terminal=color, no_color=not color, width=120,
                      highlight=False)
    console.print(f"[bold]{escape(t['title'])}[/] — {escape(result.service)} ({result.as_of})")
    table = Table(show_header=True, header_style="bold", box=None)
    for head in (t["severity"], t["rule"], t["target"], t["categories"]):
        table.add_column(head)
    for f in result.findings:
        target = ".".join(p for p in (f.table, f.column) if p) or (f.role or "")
        sev = t["sev_" + f.severity.value] + (f" ({t['waived'].lower()})" if f.waived else "")
        table.add_row(f"[{_STYLE[f.severity.value]}]{escape(sev)}[/]", f.rule, escape(target),
                      escape(f.category or ""))
    if result.findings:
        console.print(table)
    counts = ", ".join(f"{n} {t['sev_' + s]}" for s, n in result.summary.by_severity.items() if n)
    status = t["status_" + result.summary.status]
    console.print(f"{t['findings']}: {result.summary.total} ({counts or '0'}); "
                  f"{t['waived'].lower()}: {result.summary.waived} — {status} "
                  f"({t['fail_on']}: {result.summary.fail_on})")
    if result.errors:
        console.print(f"{escape(t['errors'])}: {len(result.errors)}")
