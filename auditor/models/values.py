"""What the sampled values of a column look like: the value detectors (rules data) and what
they counted. Produced by the sources (in the engine that holds the rows), read by the classifier.
Only counts are kept here, never a value."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import Field

from auditor.models.inventory import ReadError
from auditor.models.profile import Strict


class ValueDetector(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    category: str
    normalise: str = Field(pattern="^(trim|lower|compact|phone)$")
    pattern: str
    validator: str | None = None
    confidence: float = Field(gt=0, le=1)
    min_share: float = Field(default=0.8, gt=0, le=1)
    hashed: bool = Field(default=False, description="The values are hashes of a secret")
    description: str
    gx_regex: str | None = Field(default=None, description="The test on raw values, for a GX suite")

    @property
    def raw_regex(self) -> str:
        return self.gx_regex or f"^\\s*(?:{self.pattern})\\s*$"


class BirthDates(Strict):
    category: str
    formats: list[str] = Field(min_length=1)
    min_share: float = Field(gt=0, le=1)
    min_span_years: int = Field(ge=1)
    median_age: tuple[int, int]
    confidence: float = Field(gt=0, le=1)


class ValueVocabulary(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    category: str
    confidence: float = Field(gt=0, le=1)
    entries: list[str] = Field(min_length=1, description="RE2 fragments matched as whole words at the start "
                                                         "of the normalised value")


class ValueVocabularies(Strict):
    version: int
    max_distinct: int = Field(ge=2, description="A column with more distinct sampled values is not "
                                                "categorical")
    min_share: float = Field(gt=0, le=1, description="Share of the sampled values a vocabulary must match")
    min_distinct: int = Field(ge=1, description="Distinct values a vocabulary must match")
    vocabularies: list[ValueVocabulary]


@dataclass
class VocabularyCount:
    vocabulary: ValueVocabulary
    rows: int      # sampled values that match
    distinct: int  # distinct values that match


@dataclass
class DetectorCount:
    detector: ValueDetector
    matched: int  # values the pattern matches
    valid: int    # of those, values the validator accepts (= matched without a validator)


@dataclass
class BirthDateStats:
    parsed: int
    span_years: int
    median_age: float


@dataclass
class ColumnValues:
    sampled: int  # non-empty values in the sample
    counts: list[DetectorCount] = field(default_factory=list)
    birth_dates: BirthDateStats | None = None
    distinct: int | None = None  # distinct non-empty values in the sample
    vocabularies: list[VocabularyCount] = field(default_factory=list)


@dataclass
class ValueProfile:
    columns: dict[tuple[str, str], ColumnValues] = field(default_factory=dict)  # (table, column lower)
    errors: list[ReadError] = field(default_factory=list)

    def get(self, table: str, column: str) -> ColumnValues | None:
        return self.columns.get((table, column.lower()))
