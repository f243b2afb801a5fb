"""Short terminal summary of an audit (rich), written to the stream the CLI gives."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from auditor.models.findings import AuditResult
from auditor.reporters.labels import labels
from auditor.reporters.text_safety import printable

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "blue"}


def render(result: AuditResult, stream: TextIO, *, color: bool = False) -> None:
    t = labels(result.lang)
    console = Console(file=stream, force_terminal=color, no_color=not color, width=120,
                      highlight=False)
    service = escape(printable(result.service, 120))
    console.print(f"[bold]{escape(t['title'])}[/] — {service} ({result.as_of})")
    table = Table(show_header=True, header_style="bold", box=None)
    for head in (t["severity"], t["rule"], t["target"], t["categories"]):
        table.add_column(head)
    for f in result.findings:
        target = f.target
        sev = t["sev_" + f.severity.value] + (f" ({t['waived'].lower()})" if f.waived else "")
        table.add_row(f"[{_STYLE[f.severity.value]}]{escape(sev)}[/]", f.rule,
                      escape(printable(target, 80)), escape(f.category or ""))
    if result.findings:
        console.print(table)
    counts = ", ".join(f"{n} {t['sev_' + s]}" for s, n in result.summary.by_severity.items() if n)
    status = t["status_" + result.summary.status]
    console.print(f"{t['findings']}: {result.summary.total} ({counts or '0'}); "
                  f"{t['waived'].lower()}: {result.summary.waived} — {status} "
                  f"({t['fail_on']}: {result.summary.fail_on})")
    if result.errors:
        console.print(f"{escape(t['errors'])}: {len(result.errors)}")


@contextmanager
def table_progress(stream: TextIO, *,
                   enabled: bool) -> Iterator[Callable[[str, str, int | None], None] | None]:
    """A progress callback for a live-database scan (tables done of all, last table, its rows),
    drawn on `stream` while the audit runs; None when disabled. Table names are escaped."""
    if not enabled:
        yield None
        return
    console = Console(file=stream, stderr=True, highlight=False)
    lock = threading.Lock()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.fields[last]}"), console=console,
                  transient=True) as bar:
        task = bar.add_task("tables", total=None, last="")

        def on_table(event: str, table: str, rows: int | None) -> None:
            with lock:
                if event == "start":
                    bar.update(task, total=rows)
                    return
                shown = escape(printable(table, 60))
                last = shown + (f" ({rows:,} rows)" if rows is not None else " (skipped)")
                bar.update(task, advance=1, last=last)

        yield on_table
