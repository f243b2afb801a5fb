"""`gdpr-audit init`: a first gdpr-audit.yml for a service, from its schema or its live database.

The columns are classified; each built-in profile is scored by the share of the personal data
categories found that its purposes allow (outright or under a condition), and the best one is
proposed with the purposes that allow at least one of them. A first audit with that proposal then
gives what the rest of the file proposes: the date columns the retention rules would start from
(guessed by name), the roles found with the kind their name suggests, the tables whose people no
declared profile covers. Every guess is written as a guess, and each point a person must decide is a
`# TODO` line. The file audits as it is.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.models.classification import ColumnClassification
from auditor.models.findings import AuditResult
from auditor.models.profile import Profile
from auditor.profiles import Catalogue, Taxonomy


@dataclass
class ProfileFit:
    profile: Profile
    covered: int                 # personal categories found that a purpose allows
    found: int                   # personal categories found
    purposes: list[str]          # the purposes that allow at least one of them

    @property
    def share(self) -> float:
        return self.covered / self.found if self.found else 0.0


def fits(columns: list[ColumnClassification], catalogue: Catalogue) -> list[ProfileFit]:
    """Each built-in profile with the share of the found categories its purposes allow, best first."""
    taxonomy: Taxonomy = catalogue.taxonomy
    found = sorted({k for c in columns if c.subject and c.categories for k in c.categories})
    ranked = []
    for profile in catalogue.profiles.values():
        allowed = {p.id: [*p.allowed, *(c.category for c in p.conditional)] for p in profile.purposes}

        def allows(purpose: str, key: str, allowed: dict[str, list[str]] = allowed) -> bool:
            return any(taxonomy.covers(a, key) for a in allowed[purpose])

        covered = [k for k in found if any(allows(p, k) for p in allowed)]
        purposes = [p for p in allowed if any(allows(p, k) for k in found)]
        ranked.append(ProfileFit(profile, len(covered), len(found), purposes))
    return sorted(ranked, key=lambda f: (-f.share, -f.covered, f.profile.id))


def _q(text: str) -> str:
    """A YAML scalar, quoted (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def draft(settings: dict[str, Any], ranked: list[ProfileFit], written: dt.date, source: str) -> str:
    """The first lines of the file: the service, the source, the proposed profile."""
    best = ranked[0]
    lines = [f"# gdpr-audit.yml written by `gdpr-audit init` on {written.isoformat()} from {source}.",
             "# Every value below is a proposal; the lines marked TODO need a person's decision.",
             f"service: {_q(settings['service'])}  # TODO: the service's name as reports show it", ""]
    if "schema" in settings:
        schema = settings["schema"]
        lines += ["schema:", f"  files: [{', '.join(_q(f) for f in schema['files'])}]",
                  f"  dialect: {schema['dialect']}", ""]
    if "database" in settings:
        lines += ["database:", f"  url: {_q(settings['database']['url'])}  # a read-only login",
                  "  # TODO: if the login needs a password: password_env: THE_VARIABLE_THAT_HOLDS_IT", ""]
    lines += ["profiles:",
              f"  # proposed: its purposes allow {best.covered} of the {best.found} personal data categories "
              "found"]
    for other in ranked[1:3]:
        lines.append(f"  # also possible: {other.profile.id} ({other.covered} of {other.found})")
    lines += [f"  - id: {best.profile.id}",
              "    # TODO: keep only the purposes this service pursues",
              f"    purposes: [{', '.join(best.purposes)}]", ""]
    return "\n".join(lines) + "\n"


_ARCHIVES_TODO = ("public_archives: true  # TODO: a public body (département, CCAS…) or one managing a "
                  "public service? Its files are public archives (code du patrimoine L211-4)")


def _retention_lines(result: AuditResult, archives_asked: bool) -> list[str]:
    lines: list[str] = []
    events: dict[str, list[str]] = {}
    for status in result.retention:
        if status.guessed and status.date_sources:
            events.setdefault(status.start_event, [])
            for source in status.date_sources:
                column = source.split(" (", 1)[0]  # `entretien.date_entretien (via 1 FK)`: the column
                if column not in events[status.start_event]:
                    events[status.start_event].append(column)
    missing = sorted({s.start_event for s in result.retention if not s.date_sources})
    if events or missing:
        lines += ["retention:", "  start_events:  # where each retention rule's start date is recorded"]
        for event, sources in events.items():
            lines.append(f"    {event}: [{', '.join(sources)}]  # TODO: guessed from the column names; check")
        for event in missing:
            if event not in events:
                lines.append(f"    # {event}: [table.column]  # TODO: no column found for this start event")
        lines += [f"  # {_ARCHIVES_TODO}"] if archives_asked else []
        lines.append("")
    elif archives_asked:
        lines += ["# retention:", f"#   {_ARCHIVES_TODO}", ""]
    return lines


def rest(result: AuditResult, archives_asked: bool = False) -> str:
    """What a first audit with the proposal says: retention start dates, roles, uncovered tables.
    `archives_asked`: the profile's files are public archives only for a public body or one managing
    a public service, which the file cannot guess."""
    lines = _retention_lines(result, archives_asked)
    roles = [a for a in result.access if a.role.upper() != "PUBLIC"]
    if roles:
        lines += ["access:", "  roles:  # which recipient of the profile each database role serves"]
        for row in roles:
            if row.recipient:
                lines.append(f"    {row.role}: {row.recipient}")
            elif row.kind:
                lines.append(f"    {row.role}: {{kind: {row.kind}}}  # TODO: guessed from its name; or a "
                             "recipient of the profile")
            else:
                lines.append(f"    # {row.role}: recipient  # TODO: the profile's recipient it serves")
        lines.append("")
    uncovered = sorted({f.table for f in result.findings if f.rule == "MIN007" and f.table})
    if uncovered:
        lines += ["# TODO: no declared profile covers the people of these tables (MIN007): declare the",
                  "# profile that does (staff: cnil.ref.rh.2019), or say whose data they hold:", "# tables:"]
        lines += [f"#   {t}: {{subject: staff}}" for t in uncovered]
        lines.append("")
    lines += ["report:", "  html: gdpr-audit-report.html", "  json: gdpr-audit-report.json", "",
              "fail_on: high"]
    return "\n".join(lines) + "\n"


def scaffold(target: Path, settings: dict[str, Any], columns: list[ColumnClassification],
             catalogue: Catalogue, source: str, audit: Any) -> str:
    """The whole file: the proposal, then what a first audit of it says. `audit(path)` audits a
    configuration file and returns its AuditResult."""
    ranked = fits(columns, catalogue)
    if not ranked:
        raise ValueError("no profile to propose")
    head = draft(settings, ranked, dt.date.today(), source)
    trial = target.with_name(f".{target.name}.init")  # beside the file: its relative paths hold
    trial.write_text(head, encoding="utf-8")
    try:
        archives = ranked[0].profile.archives
        text = head + "\n" + rest(audit(trial), archives is not None and archives.public == "public_bodies")
    finally:
        trial.unlink(missing_ok=True)
    target.write_text(text, encoding="utf-8")
    return text
