"""What classification says about each column."""

from __future__ import annotations

from pydantic import BaseModel, Field

from auditor.models.inventory import SourceLocation


class TextMention(BaseModel):
    """What the notes of a free-text column mention, counted in the engine."""

    category: str
    rows: int = Field(description="Notes (sampled rows) that mention the category")
    snippets: list[str] = Field(default_factory=list,
                                description="Masked: lexicon terms and function words only")


class ColumnClassification(BaseModel):
    table: str = Field(description="Table name, schema-qualified when the source has schemas")
    column: str
    type: str | None = None
    subject: str | None = Field(description="Data subject of the table; None: no natural person")
    categories: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0, le=1, description="Confidence in the categories (0 if none)")
    reasons: list[str] = Field(default_factory=list, description="Signals that led there")
    values_sampled: int | None = Field(default=None, description="Non-empty sample values examined")
    value_matches: dict[str, float] = Field(default_factory=dict,
                                            description="Detector id -> share of sampled values it accepts")
    hashed: bool | None = Field(default=None, description="Values are hashes of a secret (None: unknown)")
    text_scanned: int | None = Field(default=None, description="Non-empty notes scanned (free-text columns)")
    text_mentions: list[TextMention] = Field(default_factory=list)
    location: SourceLocation = Field(default_factory=SourceLocation)

    @property
    def target(self) -> str:
        return f"{self.table}.{self.column}"
