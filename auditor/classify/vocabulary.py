"""Load the classification vocabularies from rules/classification/: the lexicon names are read
with, the concepts they are matched against, and the table subjects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from auditor.classify.concepts import Concepts, load_concepts
from auditor.classify.identifiers import prefix_pattern
from auditor.classify.tokens import Lexicon
from auditor.errors import RuleError
from auditor.models.profile import Strict
from auditor.profiles import Taxonomy
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, locate, validate

_WORD = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


class LexiconFile(Strict):
    version: int
    stopwords: list[str]
    words: dict[str, list[str]]
    abbreviations: dict[str, str] = Field(default_factory=dict)
    phrases: list[tuple[list[str], str]] = Field(default_factory=list)
    neutral: list[str] = Field(default_factory=list)
    prose_stopwords: list[str] = Field(default_factory=list)
    flag_prefixes: list[Annotated[str, Field(pattern=r"^[a-z]{2,}$")]] = Field(
        default_factory=list, description="Flag words glued before a name, two lower-case letters or more")


class SubjectRule(Strict):
    subject: str
    names: list[str]


class SubjectsFile(Strict):
    version: int
    default_subject: str
    table_prefixes: list[str] = Field(default_factory=list)
    rules: list[SubjectRule]


@dataclass
class Vocabulary:
    lexicon: Lexicon
    concepts: Concepts
    subjects: list[tuple[str, re.Pattern[str]]]
    default_subject: str
    table_prefixes: re.Pattern[str] | None = None


def load_lexicon(path: Path) -> Lexicon:
    raw = load_yaml_file(path, RuleError)
    model = validate(LexiconFile, raw, str(path), RuleError)

    def fail(problem: str, loc: tuple[str | int, ...]) -> None:
        raise RuleError(problem, file=str(path), line=locate(raw, loc), key=".".join(map(str, loc)))

    variants: dict[str, str] = {}
    compound: list[tuple[str, str, tuple[str | int, ...]]] = []
    for lemma, forms in model.words.items():
        for i, form in enumerate([lemma, *forms]):
            if not _WORD.match(form):
                fail(f"{form!r} is not a normalised word (lower-case letters and digits, `_` between words)",
                     ("words", lemma, i - 1) if i else ("words", lemma))
            if "_" in form:
                compound.append((form, lemma, ("words", lemma, i - 1)))
                continue
            if form in variants and variants[form] != lemma:
                fail(f"{form!r} already reads as {variants[form]!r}",
                     ("words", lemma, i - 1) if i else ("words", lemma))
            variants[form] = lemma
    stop, neutral = frozenset(model.stopwords), frozenset(model.neutral)
    for i, word in enumerate(model.neutral):
        if word in variants:
            fail(f"{word!r} is both a neutral word and a variant of {variants[word]!r}", ("neutral", i))
    lexicon = Lexicon(variants, dict(model.abbreviations), stop, {}, neutral)
    phrases: dict[tuple[str, ...], str] = {}
    for form, lemma, _loc in compound:  # `ne_le`, `titre_sejour`: the lemmas of their parts
        key = tuple(w.lemma for part in form.split("_") for w in lexicon._piece(part) if w.how != "stop")
        if len(key) >= 2:
            phrases.setdefault(key, lemma)
    for i, (parts, lemma) in enumerate(model.phrases):
        if len(parts) < 2:
            fail("a phrase has two words or more", ("phrases", i))
        phrases[tuple(parts)] = lemma
    return Lexicon(variants, dict(model.abbreviations), stop, phrases, neutral,
                   prose_stopwords=frozenset(model.prose_stopwords), flag_prefixes=tuple(model.flag_prefixes))


def load_vocabulary(taxonomy: Taxonomy, directory: Path | None = None) -> Vocabulary:
    directory = directory or data_dir("rules") / "classification"
    lexicon = load_lexicon(directory / "lexicon.yaml")
    concepts = load_concepts(taxonomy, lexicon, directory / "concepts.yaml")
    subjects_path = directory / "table_subjects.yaml"
    raw_s = load_yaml_file(subjects_path, RuleError)
    subjects = validate(SubjectsFile, raw_s, str(subjects_path), RuleError)
    for i, srule in enumerate(subjects.rules):
        if srule.subject != "none" and srule.subject not in taxonomy.data_subjects:
            raise RuleError(f"unknown data subject {srule.subject!r}", file=str(subjects_path),
                            line=locate(raw_s, ("rules", i, "subject")))
        for j, fragment in enumerate(srule.names):
            try:
                re.compile(fragment)
            except re.error as err:
                raise RuleError(f"invalid regular expression {fragment!r}: {err}", file=str(subjects_path),
                                line=locate(raw_s, ("rules", i, "names", j))) from None
    return Vocabulary(
        lexicon=lexicon, concepts=concepts,
        subjects=[(s.subject, prefix_pattern(s.names)) for s in subjects.rules],
        default_subject=subjects.default_subject,
        table_prefixes=prefix_pattern(subjects.table_prefixes) if subjects.table_prefixes else None)

