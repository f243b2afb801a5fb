"""What classification says about each column."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.models.inventory import SourceLocation


class Reason(BaseModel):
    """One signal behind a column's category, as data: where it came from (the name, the
    comment, the table, the declared type, the sampled values, a value vocabulary, the audit
    configuration), what was read and how much. The reporters put it into words
    (auditor/reporters/evidence_text.py); it never holds a value of the audited data."""

    source: Literal["name", "comment", "table", "type", "values", "vocabulary", "override"]
    category: str
    confidence: float = Field(ge=0, le=1)
    subject: str = Field(default="", description="The name, comment, table or pattern that was read")
    words: list[str] = Field(default_factory=list,
                             description="How the words that matched were read: `dt=date`, `naiss…=birth`")
    detector: str | None = Field(default=None, description="Value detector or vocabulary id")
    matched: int | None = Field(default=None, description="Sampled values the detector accepts")
    sampled: int | None = Field(default=None, description="Non-empty values sampled")
    validator: str | None = Field(default=None,
                                  description="Check digits verified on the values (nir, iban…)")
    span_years: int | None = Field(default=None,
                                   description="Birth dates: years between the oldest and latest")
    median_age: int | None = Field(default=None, description="Birth dates: median age at the audit date")
    distinct: int | None = Field(default=None, description="Vocabulary: distinct sampled values it matches")
    distinct_sampled: int | None = Field(default=None, description="Vocabulary: distinct values sampled")
    partial: bool = Field(default=False, description="The name says more than the words that matched")


class IdentifierForm(BaseModel):
    """How an identifier found in a note is written, without its value."""

    model_config = ConfigDict(frozen=True)

    length: int = Field(description="Characters of the identifier, separators removed (13 or 15 for a NIR)")
    separated: bool = Field(description="Written with separators (spaces, dots, dashes, slashes, words)")


class TextMention(BaseModel):
    """What the notes of a free-text column reveal, counted where the rows are."""

    category: str
    rows: int = Field(description="Notes read that reveal the category, neither negated nor hypothetical")
    third_party: int = Field(default=0, description="Of those, notes where it concerns someone else only")
    reported: int = Field(default=0, description="Of those, notes where it is reported speech")
    cues: list[str] = Field(default_factory=list, description=(
        "Up to three of the lexicon's terms that matched, as the lexicon spells them (an open term by its "
        "literal beginning and « … »); never note text"))
    forms: list[IdentifierForm] = Field(default_factory=list, description=(
        "For an identifier: up to three forms it was written in"))
    estimate: int | None = Field(default=None, description="Notes of the whole column, when the rows read "
                                                             "are a sample of it")
    estimate_low: int | None = Field(default=None, description="95 % interval of the estimate")
    estimate_high: int | None = None


class FlaggedNote(BaseModel):
    """A note that reveals something: its number in the scan order and what it reveals. Never its text."""

    row: int = Field(description="Number of the note among the column's non-empty notes, in the scan order")
    key: str | None = Field(default=None, description="The row's primary key, when it is one column that "
                                                      "holds no personal data")
    categories: list[str]
    third_party: list[str] = Field(default_factory=list)
    reported: list[str] = Field(default_factory=list)


class ColumnClassification(BaseModel):
    table: str = Field(description="Table name, schema-qualified when the source has schemas")
    column: str
    type: str | None = None
    subject: str | None = Field(description="Data subject of the table; None: no natural person")
    categories: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0, le=1, description="Confidence in the categories (0 if none)")
    reasons: list[Reason] = Field(default_factory=list, description="Signals that led there")
    values_sampled: int | None = Field(default=None, description="Non-empty sample values examined")
    value_matches: dict[str, float] = Field(default_factory=dict,
                                            description="Detector id -> share of sampled values it accepts")
    hashed: bool | None = Field(default=None, description="Values are hashes of a secret (None: unknown)")
    text_scanned: int | None = Field(default=None, description="Non-empty notes scanned (free-text columns)")
    text_population: int | None = Field(default=None, description="Non-empty notes of the whole column, when "
                                                                     "those scanned are a sample of it")
    text_mentions: list[TextMention] = Field(default_factory=list)
    flagged_notes: list[FlaggedNote] = Field(default_factory=list, exclude=True,
                                             description="Per note: for --notes-rows only, not in reports")
    location: SourceLocation = Field(default_factory=SourceLocation)

    @property
    def target(self) -> str:
        return f"{self.table}.{self.column}"
