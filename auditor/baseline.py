"""Baselines: the findings an audit already knew, so that CI fails only on new ones.

`gdpr-audit baseline create` writes the fingerprints of the current findings (not waived) to a
JSON file; an audit given that file (`--baseline`, or `baseline:` in the config) marks the
findings whose fingerprint it holds as `baselined`: still reported, no longer failing. A
fingerprint hashes the rule and the target only (table, column, role, category), never a path,
a count or a message, so it is the same across runs, machines and languages.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.errors import ConfigError, SourceError
from auditor.models.findings import Finding
from auditor.sources.text_files import MAX_BASELINE_FILE, read_bytes

FORMAT = "gdpr-audit-baseline/1"


def baseline_document(findings: list[Finding], service: str, as_of: dt.date) -> dict[str, Any]:
    entries = {f.fingerprint: {"rule": f.rule, "target": f.target, "severity": f.severity.value}
               for f in findings if not f.waived}
    return {"format": FORMAT, "tool": f"gdpr-auditor {__version__}", "service": service,
            "created": as_of.isoformat(), "findings": dict(sorted(entries.items()))}


def write_baseline(path: Path, document: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot write the baseline ({err.strerror})", file=str(path)) from None


def load_baseline(path: Path) -> set[str]:
    if not path.exists() and not path.is_symlink():
        raise ConfigError("baseline file not found (create it with 'gdpr-audit baseline create')",
                          file=str(path))
    try:
        data = json.loads(read_bytes(path, MAX_BASELINE_FILE, "a baseline"))
    except SourceError as err:
        raise ConfigError(err.message, file=str(path)) from None
    except RecursionError:
        raise ConfigError("not a baseline file: JSON nested too deep to read", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        line = getattr(err, "lineno", None)
        raise ConfigError(f"not a baseline file: {str(err).splitlines()[0][:120]}", file=str(path),
                          line=line) from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(entries, dict):
        raise ConfigError(f"not a baseline file (expected format {FORMAT!r})", file=str(path))
    return set(entries)


def apply_baseline(findings: list[Finding], known: set[str]) -> None:
    for finding in findings:
        finding.baselined = finding.fingerprint in known and not finding.waived
