"""Short terminal summary of an audit (rich), written to the stream the CLI gives."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from auditor.models.findings import AuditResult
from auditor.progress import Listener, Phase
from auditor.reporters import locale_format as fmt
from auditor.reporters.changes_text import changes_line, resolved_summary
from auditor.reporters.labels import labels
from auditor.reporters.text_safety import printable

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "blue"}


def render(result: AuditResult, stream: TextIO, *, color: bool = False) -> None:
    t = labels(result.lang)
    console = Console(file=stream, force_terminal=color, no_color=not color, width=120,
                      highlight=False)
    service = escape(printable(result.service, 120))
    lang, colon = result.lang, t["colon"]
    console.print(f"[bold]{escape(t['title'])}[/] — {service} ({fmt.date(result.as_of, lang)})")
    table = Table(show_header=True, header_style="bold", box=None)
    for head in (t["severity"], t["rule"], t["target"]):
        table.add_column(head, no_wrap=True)
    table.add_column(t["message"], overflow="fold")
    for f in result.findings:
        target = f.target
        sev = t["sev_" + f.severity.value] + (f" ({t['waived'].lower()})" if f.waived else "")
        table.add_row(f"[{_STYLE[f.severity.value]}]{escape(sev)}[/]", f.rule,
                      escape(printable(target, 40)), escape(printable(f.message, 400)))
    if result.findings:
        console.print(table)
    counts = ", ".join(f"{fmt.number(n, lang)} {t['sev_' + s]}"
                       for s, n in result.summary.by_severity.items() if n)
    status = t["status_" + result.summary.status]
    console.print(f"{t['findings']}{colon} {fmt.number(result.summary.total, lang)} ({counts or '0'}); "
                  f"{t['waived'].lower()}{colon} {fmt.number(result.summary.waived, lang)} — {status} "
                  f"({t['fail_on']}{colon} {t['sev_' + result.summary.fail_on]})")
    if result.changes is not None:
        console.print(escape(changes_line(result.changes, result.lang)))
        for x in result.changes.resolved:
            console.print(f"  {escape(t['change_resolved_one'])}{colon} {x.rule} "
                          f"{escape(printable(x.target, 80))} — {escape(resolved_summary(x, lang))}")
    if result.errors:
        console.print(f"{escape(t['errors'])}: {len(result.errors)}")


@contextmanager
def audit_progress(stream: TextIO, *, enabled: bool) -> Iterator[Listener | None]:
    """A listener that draws the audit's progress on `stream` while it runs: the phase, the tables
    done of its total, the time, the last table; None when disabled. Table names are escaped."""
    if not enabled:
        yield None
        return
    console = Console(file=stream, stderr=True, highlight=False)
    lock = threading.Lock()
    with Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.fields[last]}"), console=console,
                  transient=True) as bar:
        shown: list[tuple[Phase, TaskID]] = []  # the phase drawn, and its bar

        def on_phase(phase: Phase) -> None:
            with lock:
                if not shown or shown[-1][0] is not phase:  # a new phase: a new bar (its own total)
                    if shown:
                        bar.remove_task(shown[-1][1])
                    shown.append((phase, bar.add_task(escape(phase.name), total=phase.total, last="")))
                bar.update(shown[-1][1], total=phase.total, completed=phase.done,
                           last=escape(printable(phase.last, 60)))

        yield on_phase


def timings_line(timings: list[tuple[str, float, str]]) -> str:
    """Where the time went, on one line: each phase, with what it went through."""
    shown = [f"{name} {seconds:.2f} s" + (f" ({items})" if items else "") for name, seconds, items in timings]
    total_s = sum(seconds for _, seconds, _ in timings)
    return "time: " + ", ".join(shown) + f"; total {total_s:.2f} s"
