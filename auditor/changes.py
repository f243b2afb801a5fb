"""What changed since the previous audit: which findings are new, which were resolved and which
are unchanged, from the previous audit's JSON report or, without one, from the baseline.

Findings are matched by fingerprint (rule and target, never a count or a message), so that a
report in another language, or with other counts, compares all the same."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from auditor.baseline import FORMAT as BASELINE_FORMAT
from auditor.errors import ConfigError
from auditor.models.findings import Changes, Finding, ResolvedFinding


def load_previous(path: Path) -> tuple[str, dt.date | None, dict[str, ResolvedFinding]]:
    """The findings of a previous audit: ('report' or 'baseline', its date, fingerprint -> finding)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("previous report not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"not a JSON report: {str(err).splitlines()[0][:120]}", file=str(path),
                          line=getattr(err, "lineno", None)) from None
    is_baseline = isinstance(data, dict) and data.get("format") == BASELINE_FORMAT
    if is_baseline and isinstance(data.get("findings"), dict):
        entries = {fp: ResolvedFinding(fingerprint=fp, **_fields(e)) for fp, e in data["findings"].items()}
        return "baseline", _date(data.get("created")), entries
    if isinstance(data, dict) and isinstance(data.get("findings"), list) and "summary" in data:
        entries = {f["fingerprint"]: ResolvedFinding(**_fields(f), fingerprint=f["fingerprint"])
                   for f in data["findings"] if isinstance(f, dict) and f.get("fingerprint")}
        return "report", _date(data.get("as_of")), entries
    raise ConfigError("not a JSON report of gdpr-audit nor a baseline", file=str(path))


def _fields(entry: Any) -> dict[str, Any]:
    keys = ("rule", "target", "severity", "kind", "table", "column", "role", "category")
    return {k: entry[k] for k in keys if isinstance(entry, dict) and entry.get(k) is not None}


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def compare(findings: list[Finding], source: str, since: dt.date | None,
            previous: dict[str, ResolvedFinding]) -> Changes:
    """Mark each finding `new` or `unchanged`; the previous findings no longer raised are resolved.
    A baseline does not record waived findings: against one, they are neither."""
    current = {f.fingerprint for f in findings}
    for finding in findings:
        if source == "baseline" and finding.waived:
            continue
        finding.change = "unchanged" if finding.fingerprint in previous else "new"
    resolved = [r for fp, r in previous.items() if fp not in current]
    resolved.sort(key=lambda r: (r.rule, r.target))
    return Changes(source=source, since=since, new=sum(1 for f in findings if f.change == "new"),
                   unchanged=sum(1 for f in findings if f.change == "unchanged"), resolved=resolved)
