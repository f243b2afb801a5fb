"""ISO 8601 durations (P2Y, P6M, P4Y11M) in words, in French or English, for messages and reports."""

from __future__ import annotations

from auditor.models.profile import parse_duration

_UNITS = {"fr": ("an", "ans", "mois", "mois", "jour", "jours"),
          "en": ("year", "years", "month", "months", "day", "days")}


def humane(years: int, months: int, days: int, lang: str) -> str:
    """(2, 6, 0) -> « 2 ans 6 mois » / "2 years 6 months"."""
    units = _UNITS[lang]
    parts = [f"{n} {units[2 * i + (n > 1)]}" for i, n in enumerate((years, months, days)) if n]
    return " ".join(parts) or ("0 jour" if lang == "fr" else "0 days")


def humane_iso(text: str | None, lang: str) -> str:
    """'P2Y' -> « 2 ans »; None or an unreadable text is returned as it is (or '—')."""
    if not text:
        return "—"
    try:
        return humane(*parse_duration(text), lang)
    except ValueError:
        return text
