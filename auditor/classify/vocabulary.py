"""Load the classification vocabularies from rules/classification/ (names, table subjects)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from auditor.classify.identifiers import full_pattern, prefix_pattern, token_pattern
from auditor.errors import RuleError
from auditor.profiles import Taxonomy
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, locate, validate


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NameRule(_Strict):
    category: str
    names: list[str] = Field(default_factory=list)
    whole: list[str] = Field(default_factory=list,
                             description="Names that count only as the whole identifier")
    comments: list[str] = Field(default_factory=list)
    types: str | None = Field(default=None, pattern="^text$")
    confidence: float = Field(gt=0, le=1)
    subjects: list[str] = Field(default_factory=list, description="Only for tables about these subjects")
    not_subjects: list[str] = Field(default_factory=list, description="Never for tables about these")
    tables: list[str] = Field(default_factory=list, description="Only in tables whose name matches")
    not_tables: list[str] = Field(default_factory=list, description="Never in tables whose name matches")


class NamesFile(_Strict):
    version: int
    not_names: list[str] = Field(default_factory=list)
    table_prefixes: list[str] = Field(default_factory=list)
    rules: list[NameRule]


class SubjectRule(_Strict):
    subject: str
    names: list[str]


class SubjectsFile(_Strict):
    version: int
    default_subject: str
    rules: list[SubjectRule]


@dataclass
class CompiledNameRule:
    rule: NameRule
    token: re.Pattern[str]
    full: re.Pattern[str]
    comments: list[re.Pattern[str]]
    tables: re.Pattern[str] | None = None
    not_tables: re.Pattern[str] | None = None

    def applies(self, subject: str | None, table: str) -> bool:
        """Whether the rule applies in this table (normalised name) about this subject."""
        rule, who = self.rule, subject or "none"
        if (rule.subjects and who not in rule.subjects) or who in rule.not_subjects:
            return False
        if self.tables is not None and not self.tables.match(table):
            return False
        return not (self.not_tables is not None and self.not_tables.match(table))


@dataclass
class Vocabulary:
    names: list[CompiledNameRule]
    not_names: re.Pattern[str] | None
    subjects: list[tuple[str, re.Pattern[str]]]
    default_subject: str
    table_prefixes: re.Pattern[str] | None = None


def _compile(fragments: list[str], file: Path, raw: object, loc: tuple[str | int, ...]) -> None:
    for i, fragment in enumerate(fragments):
        try:
            re.compile(fragment)
        except re.error as err:
            raise RuleError(f"invalid regular expression {fragment!r}: {err}", file=str(file),
                            line=locate(raw, (*loc, i))) from None


def load_vocabulary(taxonomy: Taxonomy, directory: Path | None = None) -> Vocabulary:
    directory = directory or data_dir("rules") / "classification"
    names_path, subjects_path = directory / "column_names.yaml", directory / "table_subjects.yaml"
    raw = load_yaml_file(names_path, RuleError)
    names = validate(NamesFile, raw, str(names_path), RuleError)
    compiled = []
    for i, rule in enumerate(names.rules):
        problem = taxonomy.check_key(rule.category)
        if problem:
            raise RuleError(problem, file=str(names_path), line=locate(raw, ("rules", i, "category")))
        for attr in ("names", "comments", "tables", "not_tables"):
            _compile(getattr(rule, attr), names_path, raw, ("rules", i, attr))
        for attr in ("subjects", "not_subjects"):
            for j, subject in enumerate(getattr(rule, attr)):
                if subject != "none" and subject not in taxonomy.data_subjects:
                    raise RuleError(f"unknown data subject {subject!r}", file=str(names_path),
                                    line=locate(raw, ("rules", i, attr, j)))
        if not rule.names and not rule.whole:
            raise RuleError("a rule needs `names` or `whole`", file=str(names_path),
                            line=locate(raw, ("rules", i)))
        _compile(rule.whole, names_path, raw, ("rules", i, "whole"))
        compiled.append(CompiledNameRule(rule, token_pattern(rule.names or ["(?!)"]),
                                         full_pattern(rule.names + rule.whole),
                                         [re.compile(rf"\b(?:{c})") for c in rule.comments],
                                         prefix_pattern(rule.tables) if rule.tables else None,
                                         prefix_pattern(rule.not_tables) if rule.not_tables else None))
    _compile(names.not_names, names_path, raw, ("not_names",))
    raw_s = load_yaml_file(subjects_path, RuleError)
    subjects = validate(SubjectsFile, raw_s, str(subjects_path), RuleError)
    for i, srule in enumerate(subjects.rules):
        if srule.subject != "none" and srule.subject not in taxonomy.data_subjects:
            raise RuleError(f"unknown data subject {srule.subject!r}", file=str(subjects_path),
                            line=locate(raw_s, ("rules", i, "subject")))
        _compile(srule.names, subjects_path, raw_s, ("rules", i, "names"))
    return Vocabulary(
        names=compiled,
        not_names=full_pattern(names.not_names) if names.not_names else None,
        subjects=[(s.subject, prefix_pattern(s.names)) for s in subjects.rules],
        default_subject=subjects.default_subject,
        table_prefixes=prefix_pattern(names.table_prefixes) if names.table_prefixes else None)
