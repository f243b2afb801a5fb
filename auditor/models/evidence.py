"""A finding's evidence as data: what was read and how much, never a sentence.

The reporters put each element into words in the report's language (auditor/reporters/evidence.yaml);
the checks only say which element it is (`code`) and give its counts and names."""

from __future__ import annotations

from pydantic import BaseModel, Field

from auditor.models.classification import Reason

Value = int | float | bool | str | list[str] | None


class Evidence(BaseModel):
    """One element of a finding's evidence. `code` names its sentence in the reporters' catalogue;
    `values` hold counts, shares (0 to 1), ISO 8601 durations and dates, and names: of tables,
    columns, roles, categories, detectors, start events and the auditor's own lexicon terms. A
    classification signal is carried whole as `reason`. Never a value of the audited data."""

    code: str
    values: dict[str, Value] = Field(default_factory=dict)
    reason: Reason | None = None


def reasons(items: list[Reason]) -> list[Evidence]:
    """The signals behind a column's category, one element each."""
    return [Evidence(code="reason", reason=r) for r in items]


def fact(code: str, **values: Value) -> Evidence:
    return Evidence(code=code, values=values)
