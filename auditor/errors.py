"""Typed errors. Library code raises these; only the CLI turns them into messages and exit codes.

Every error names where the problem is (file and line, or the database object) so that the
user can fix the input without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class AuditorError(Exception):
    """Base of every error the auditor reports to a user (exit code 2)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 key: str | None = None, also: Sequence[AuditorError] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        self.also = list(also)  # the other problems found with it, each at its own place

    def __str__(self) -> str:
        return self.located()

    def located(self) -> str:
        """This problem alone, at its place: `file:line: key: message`."""
        where = self.file or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}" if where else f"{key.strip()} {self.message}".strip()

    def problems(self) -> list[AuditorError]:
        """This problem and every other one found with it."""
        return [self, *self.also]


class ConfigError(AuditorError):
    """The audit configuration (gdpr-audit.yml or CLI flags) is invalid."""


class ProfileError(AuditorError):
    """A purpose profile or the taxonomy is invalid or unknown."""


class RuleError(AuditorError):
    """A rule file is invalid or a rule code is unknown."""


class SourceError(AuditorError):
    """A schema or data source cannot be read at all (missing file, unknown dialect…)."""
