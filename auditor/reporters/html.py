"""HTML report: one self-contained, autoescaped file (inline CSS, no external request)."""

from __future__ import annotations

from typing import TextIO

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from auditor.checks.access import kind_label
from auditor.durations import humane_iso
from auditor.models.findings import AuditResult, Severity
from auditor.reporters import executive
from auditor.reporters import locale_format as fmt
from auditor.reporters.changes_text import resolved_summary
from auditor.reporters.evidence_text import for_result
from auditor.reporters.finding_groups import group_findings
from auditor.reporters.labels import labels
from auditor.reporters.rule_text import action_remedy, rule_summary

_ENV = Environment(loader=PackageLoader("auditor.reporters", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)


def css_string(text: str) -> Markup:
    """A CSS string literal of any text, for the print header: every character but letters, digits
    and spaces written as a CSS escape, so that no quote, backslash or `</style>` of a service name
    can end the string or the style sheet."""
    body = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):X} " for c in text)
    return Markup(f'"{body}"')


def render(result: AuditResult, stream: TextIO) -> None:
    template = _ENV.get_template("report.html.j2")
    lang = result.lang
    groups, refs = group_findings(result)
    words = for_result(result, html=True)
    stream.write(template.render(r=result, t=labels(lang), severities=list(Severity),
                                 groups=groups, refs=refs,
                                 words=words, ex=executive.build(result, words), marks=executive.MARKS,
                                 num=lambda n: fmt.number(n, lang), pct=lambda n: fmt.share(n, lang),
                                 dec=lambda n: fmt.decimal(n, lang), day=lambda d: fmt.date(d, lang),
                                 role_kind=lambda k: kind_label(k, lang), css_string=css_string,
                                 resolved_summary=lambda x: resolved_summary(x, lang),
                                 rule_summary=lambda code: rule_summary(code, lang),
                                 action_remedy=lambda a: action_remedy(a, lang),
                                 duration=lambda text: humane_iso(text, lang)))
