"""A Markdown summary fit for a merge-request comment: status, counts by severity and principle,
and the findings that fail the threshold first. Text from the schema (names, comments) is
escaped so that it cannot format, link or mention anything."""

from __future__ import annotations

import re
from typing import TextIO

from auditor.models.findings import AuditResult, Severity
from auditor.reporters import locale_format as fmt
from auditor.reporters.changes_text import changes_line, resolved_summary
from auditor.reporters.labels import labels
from auditor.reporters.text_safety import printable

MAX_ROWS = 50
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~@])")  # what can format, link, embed HTML or mention


def escape(text: str) -> str:
    """Backslash the Markdown characters that format, link, embed HTML, split a table cell or
    mention someone; newlines become spaces (one table row)."""
    return _SPECIAL.sub(r"\\\1", " ".join(printable(text).split()))


def render(result: AuditResult, stream: TextIO) -> None:
    t = labels(result.lang)
    s = result.summary
    icon = "❌" if s.status == "fail" else "✅"
    colon, lang = t["colon"], result.lang
    day, threshold = fmt.date(result.as_of, lang), t["sev_" + s.fail_on]
    known = (f" · {escape(t['baseline'].lower())}{colon} {fmt.number(s.baselined, lang)}"
             if s.baselined else "")
    lines = [f"### {icon} {escape(t['title'])} — {escape(result.service)} ({day})", "",
             f"**{escape(t['status_' + s.status])}** ({escape(t['fail_on'])}{colon} {threshold}) · "
             f"{t['findings']}{colon} {fmt.number(s.total, lang)} · {t['waived'].lower()}{colon} "
             f"{fmt.number(s.waived, lang)}{known}", "",
             "| " + " | ".join(t["sev_" + sev.value] for sev in Severity) + " |",
             "|" + "---:|" * len(Severity),
             "| " + " | ".join(fmt.number(s.by_severity[sev.value], lang) for sev in Severity) + " |", ""]
    if result.changes is not None:
        lines += [escape(changes_line(result.changes, lang)), ""]
        lines += [f"- {t['change_resolved_one']}{colon} {escape(resolved_summary(x, lang))} `{x.rule}` "
                  f"{escape(x.target or '—')}" for x in result.changes.resolved[:MAX_ROWS]]
        lines += [""] if result.changes.resolved else []
    active = [f for f in result.findings if not f.waived and not f.baselined]
    if active:
        lines += [f"| {t['severity']} | {t['rule']} | {t['target']} | Message |", "|---|---|---|---|"]
        for f in active[:MAX_ROWS]:
            lines.append(f"| {t['sev_' + f.severity.value]} | {f.rule} | {escape(f.target or '—')} | "
                         f"{escape(f.message)} |")
        if len(active) > MAX_ROWS:
            lines.append(f"| … | | | +{len(active) - MAX_ROWS} |")
        lines.append("")
    if result.errors:
        lines.append(f"{escape(t['errors'])}: {len(result.errors)}")
    stream.write("\n".join(lines) + "\n")
