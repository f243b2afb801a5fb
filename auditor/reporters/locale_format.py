"""Numbers, shares and dates as each report language writes them (Babel's CLDR data):
« 3 012 », « 90 % », « 1 décembre 2026 » in French; "3,012", "90%", "December 1, 2026" in English."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent


def number(value: int | float | None, lang: str) -> str:
    if value is None:
        return "—"
    return str(format_decimal(value, locale=lang))


def share(value: float | None, lang: str) -> str:
    """0.9 -> « 90 % » / "90%"."""
    if value is None:
        return "—"
    return str(format_percent(value, locale=lang))


def decimal(value: float | None, lang: str, digits: int = 2) -> str:
    """0.95 -> « 0,95 » / "0.95", with exactly `digits` decimals."""
    if value is None:
        return "—"
    return str(format_decimal(value, format="0." + "0" * digits, locale=lang))


def date(value: dt.date | str | None, lang: str) -> str:
    """2026-12-01 -> « 1 décembre 2026 » / "December 1, 2026"."""
    if value is None:
        return "—"
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return str(format_date(day, format="long", locale=lang))
