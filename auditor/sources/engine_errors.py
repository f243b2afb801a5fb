"""Database errors as the auditor reports them: built from what the auditor knows, never from the
engine's text.

Engines quote the offending value in their messages (PostgreSQL: `invalid input syntax for type
timestamp: "Dupont"`; DuckDB: `Could not convert string 'Dupont' to INT32`; MariaDB: `Incorrect
datetime value: 'Dupont'`), and no masking of that text after the fact survives every quoting an
engine may use. So the text is never read: a failure is described by the engine's name, the error's
class and its code (PostgreSQL's SQLSTATE, MariaDB's error number, SQLite's result code), which name
the kind of failure and hold no value. The caller says what was tried and on which object. The
engine's own message goes nowhere, not even `--debug`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from auditor.models.inventory import ReadError

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# DuckDB's CSV reader names the line it could not read: a number, kept (it holds no value)
_CSV_LINE = re.compile(r"\bCSV Error on Line: (\d+)\b")


@dataclass(frozen=True)
class EngineFailure:
    """What failed in the engine: its name, the kind of error in words and its code."""

    engine: str
    condition: str
    code: str | None = None

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.engine} error{code} ({self.condition})"


def words(name: str) -> str:
    """`InvalidDatetimeFormat` -> `invalid datetime format`; `BAD_FIELD_ERROR` -> `bad field error`."""
    if name.isupper() or "_" in name:
        return name.replace("_", " ").lower()
    return _CAMEL.sub(" ", name).lower()


@cache
def _mysql_names() -> dict[int, str]:
    try:
        from pymysql.constants import ER
    except ImportError:  # the driver is an extra
        return {}
    return {v: k for k, v in vars(ER).items() if k.isupper() and isinstance(v, int)}


def engine_failure(err: BaseException) -> EngineFailure:
    """The engine, kind and code of a database error (SQLAlchemy's wrapper or the driver's own)."""
    orig = getattr(err, "orig", None) or err
    cls = type(orig)
    module = cls.__module__.split(".")[0]
    if module == "psycopg" or module == "psycopg2":
        sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return EngineFailure("PostgreSQL", words(cls.__name__), sqlstate)
    if module == "pymysql" or module == "MySQLdb":
        args = getattr(orig, "args", ())
        number = args[0] if args and isinstance(args[0], int) else None
        if number is None:
            return EngineFailure("MariaDB", words(cls.__name__))
        name = _mysql_names().get(number)
        return EngineFailure("MariaDB", words(name) if name else words(cls.__name__), str(number))
    if module in {"sqlite3", "_sqlite3"}:
        return EngineFailure("SQLite", words(cls.__name__), getattr(orig, "sqlite_errorname", None))
    if module in {"duckdb", "_duckdb"}:
        kind = words(cls.__name__.removesuffix("Exception")) + " error"
        line = _CSV_LINE.search(str(orig))  # only the number is kept
        return EngineFailure("DuckDB", f"{kind}, CSV line {line.group(1)}" if line else kind)
    if isinstance(orig, OSError):  # the operating system's reason, never a file's content
        reason = orig.strerror or words(cls.__name__)
        return EngineFailure("system", reason.lower(), str(orig.errno) if orig.errno else None)
    if module in {"_csv", "csv"}:  # Python's CSV sniffer, on a sample file
        return EngineFailure("CSV reader", "the file's delimiter or quoting could not be determined")
    return EngineFailure({"builtins": "reader"}.get(module, module or "engine"), words(cls.__name__))


def engine_message(err: BaseException) -> str:
    """The reason a database operation failed, in words built from the error's class and code; the
    caller names what it tried and on which object."""
    orig = getattr(err, "orig", None) or err
    kind = type(orig).__name__
    if kind == "OutOfMemoryException":  # DuckDB, within the row store's memory limit
        return ("out of memory within the engine's memory limit (raise `memory_limit` in the configuration, "
                "or --memory-limit)")
    failure = engine_failure(err)
    if failure.code in {"57014", "1969", "3024"}:  # statement timeout (PostgreSQL, MariaDB, MySQL)
        return f"{failure}: the statement ran out of time (`timeout` or `table_budget` in the configuration)"
    return str(failure)


# What the auditor was doing, in English for logs; the reports say it in their language from the
# reporters' catalogue (auditor/reporters/evidence.yaml: `failed_<doing>`, `budget_<doing>`).
DOING = {
    "count_sample": "cannot count or sample",
    "read_notes": "cannot read the notes",
    "scan_notes": "cannot scan the notes",
    "read_sample": "cannot read sample file",
    "profile_values": "cannot profile values",
    "count_retention": "cannot count",
    "read_table": "cannot read the table",
    "gx_connect": "great-expectations could not connect",
    "gx_validate": "great-expectations could not validate",
    "gx_evaluate": "great-expectations could not evaluate",
}


@dataclass(frozen=True)
class Failure:
    """What could not be done and why, as data: `code` names its sentence in the reporters'
    catalogue, `values` the engine, the error's code and condition and a hint (timeout, memory);
    `message` says it in English for logs and SARIF."""

    code: str
    message: str
    values: dict[str, str | int | float] = field(default_factory=dict)

    def error(self, source: str, location: str) -> ReadError:
        return ReadError(source=source, location=location, message=self.message, code=self.code,
                         values=dict(self.values))


def failure_values(err: BaseException) -> dict[str, str | int | float]:
    """The engine, code, condition and hint of a failure: names and codes, never the engine's text."""
    orig = getattr(err, "orig", None) or err
    if type(orig).__name__ == "OutOfMemoryException":
        return {"engine": "DuckDB", "code": "", "condition": "out of memory", "hint": "memory"}
    found = engine_failure(err)
    hint = "timeout" if found.code in {"57014", "1969", "3024"} else ""
    return {"engine": found.engine, "code": found.code or "", "condition": found.condition, "hint": hint}


def failed(doing: str, err: BaseException) -> Failure:
    """A failure of the engine while `doing` (a key of DOING)."""
    return Failure(f"failed_{doing}", f"{DOING[doing]}: {engine_message(err)}", failure_values(err))


_BUDGET = {"count_sample": "skipped: its time budget ({seconds} s) ran out",
           "read_notes": "notes not read: the table's time budget ({seconds} s) ran out"}


def out_of_time(doing: str, seconds: float) -> Failure:
    """`doing` stopped: the table's time budget ran out (a key of _BUDGET)."""
    return Failure(f"budget_{doing}", _BUDGET[doing].format(seconds=seconds), {"seconds": seconds})
