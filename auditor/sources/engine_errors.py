"""Error messages from a database engine, made fit for a report: the first line only, bounded,
and with every quoted fragment that is not an identifier replaced by "…". Engines quote the
offending value in their messages (PostgreSQL: `invalid input syntax for type timestamp:
"Dupont"`; DuckDB: `Could not convert string 'Dupont' to INT32`): that value is personal data and
must not reach a report or a log. Names of tables, columns and schemas stay, so the message still
says where the problem is."""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditor.models.inventory import Table

_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'|`([^`]*)`")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def engine_message(err: BaseException, identifiers: Iterable[str] = (), limit: int = 200) -> str:
    """First line of an engine error, quoted values masked unless they name a known object."""
    text = str(getattr(err, "orig", None) or err).strip()
    lines = _ANSI.sub("", text).splitlines()
    first = lines[0] if lines else type(err).__name__
    known = {i.lower() for i in identifiers}

    def mask(match: re.Match[str]) -> str:
        quoted = match.group(0)
        inner = quoted[1:-1]
        if inner and all(part.lower() in known for part in inner.split(".")):
            return quoted
        return quoted[0] + "…" + quoted[-1]

    if type(err).__name__ == "OutOfMemoryException":  # DuckDB, within the row store's memory limit
        return ("out of memory within the engine's memory limit (raise `memory_limit` in the configuration, "
                "or --memory-limit)")
    return _QUOTED.sub(mask, first)[:limit]


def identifiers_of(tables: Iterable[Table]) -> set[str]:
    """Every table, schema and column name of inventory tables (and the default schemas)."""
    names = {"public", "main", "dbo"}
    for table in tables:
        names.add(table.name)
        if table.schema_name:
            names.add(table.schema_name)
        names.update(c.name for c in table.columns)
    return names
