"""The values some settings accept, shared by the configuration model (config.py) and the command
line. This module imports nothing heavy, so that the command line builds its options, and answers
`--version` or `--help`, without loading pydantic, the models or the engines."""

from __future__ import annotations

import datetime as dt
import re

SEVERITIES = ("critical", "high", "medium", "low", "info", "never")
MEMORY_SIZE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([KMGT])(i?)B$")  # 512MB, 4GB, 1.5GiB
MAX_MEMORY = 1 << 50  # bytes: 1024TiB, far above any machine, far below what DuckDB refuses to parse
# The dates every audited engine can compare with its own (MariaDB's DATE range is the narrowest)
AS_OF_RANGE = (dt.date(1000, 1, 1), dt.date(9999, 12, 31))


def memory_size_problem(value: str) -> str | None:
    """Why `value` is no memory limit the engine can be given, or None when it is one."""
    m = MEMORY_SIZE.match(value)
    if not m:
        return f"{value!r} is not a size: write it as 512MB, 4GB…"
    number, unit, binary = m.groups()
    size = float(number) * (1024 if binary else 1000) ** ("KMGT".index(unit) + 1)
    if size > MAX_MEMORY:
        return f"{value!r} is too large: the memory limit is at most 1024TiB"
    return None


def as_of_problem(day: dt.date) -> str | None:
    """Why `day` cannot be the date of an audit, or None."""
    low, high = AS_OF_RANGE
    if low <= day <= high:
        return None
    return f"{day.isoformat()} is outside the dates an audit can be run as of ({low} to {high})"
