"""What changed since the previous audit, in words: the line the terminal and the Markdown
comment show, and the resolved findings one per line."""

from __future__ import annotations

from auditor.models.findings import Changes, ResolvedFinding
from auditor.reporters import locale_format as fmt
from auditor.reporters.labels import labels
from auditor.reporters.rule_text import rule_summary


def changes_line(changes: Changes, lang: str) -> str:
    """« Évolutions depuis l'audit précédent (comparé au rapport … du 1 novembre 2026) : 1 nouveaux,
    2 résolus, 36 inchangés »."""
    t = labels(lang)
    colon = t["colon"]
    since = fmt.date(changes.since, lang) if changes.since else t["changes_undated"]
    compared = t["changes_report" if changes.source == "report" else "changes_baseline"]
    return (f"{t['changes']} ({compared[0].lower()}{compared[1:]} {since}){colon} "
            f"{fmt.number(changes.new, lang)} {t['change_new']}, "
            f"{fmt.number(len(changes.resolved), lang)} {t['change_resolved']}, "
            f"{fmt.number(changes.unchanged, lang)} {t['change_unchanged']}")


def resolved_summary(item: ResolvedFinding, lang: str) -> str:
    """What a resolved finding was about: its rule's one-line summary, in the report's language."""
    return rule_summary(item.rule, lang)
