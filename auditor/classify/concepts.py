"""Data categories as sets of lemmas, matched against a name's reading in its context.

The concepts are data (`rules/classification/concepts.yaml`); this module loads them, checks
them against the taxonomy and the lexicon, and matches one reading at a time. A match is kept
with what made it (the term, the words read, the context), so that a DPO can see why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field

from auditor.classify.tokens import Lexicon, Reading
from auditor.errors import RuleError
from auditor.models.profile import Strict
from auditor.profiles import Taxonomy
from auditor.yaml_source import load_yaml_file, locate, validate

ORG_GROUPS = ("org", "place")  # blocks a word naming a person lifts


class ConceptRule(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    category: str
    kind: Literal["identifier", "attribute", "text"]
    terms: list[list[str]] = Field(min_length=1)
    blocked_by: list[str] = Field(default_factory=list)
    whole: bool = Field(default=False, description="A term must explain the whole name")
    names_only: bool = Field(default=False, description="Read in column names, not in comments")
    coded: bool = Field(default=False, description=(
        "A key into a code list (`motifsortie_id` -> motifssortie) matches on the term alone, `whole` or "
        "not: the list gives the value, the other words say which of the person's facts it codes"))
    with_: list[str] = Field(default_factory=list, alias="with",
                             description="Words a whole-name term may carry along")
    types: Literal["text", "prose", "date"] | None = Field(
        default=None, description="text: a textual column; prose: one holding sentences (TEXT, long strings)")
    dates: bool = Field(default=False, description="Also holds in a date or timestamp column")
    flags: bool = Field(default=False, description="Also holds in a yes/no column")
    person_table: bool = Field(default=False, description="Only in a table known to be about people")
    rows: Literal["people", "things"] | None = Field(
        default=None, description="people: not in a table of things that names its own rows (a document's "
                                  "`name`); things: only there")
    person_columns: bool = Field(default=False, description=(
        "Only in a table with a column only people have (a first name, a birth date): not a firm's row "
        "that names its contact"))
    min_length: int | None = Field(
        default=None, gt=0, description="Not in a string declared shorter (a CHAR(1) holds a code, no name)")
    subjects: list[str] = Field(default_factory=list)
    not_subjects: list[str] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list, description="Lemmas one of which the table's name has")
    not_tables: list[str] = Field(default_factory=list)
    confidence: float = Field(gt=0, le=1)


class ConceptsFile(Strict):
    version: int
    partial_penalty: float = Field(ge=0, lt=1)
    groups: dict[str, list[str]]
    concepts: list[ConceptRule]


@dataclass(frozen=True)
class Concept:
    rule: ConceptRule
    terms: tuple[frozenset[str], ...]
    blocked: frozenset[str]          # always blocks
    liftable: frozenset[str]         # blocks unless a person word is in the name
    allowed_with: frozenset[str]
    tables: frozenset[str]
    not_tables: frozenset[str]

    @property
    def category(self) -> str:
        return self.rule.category


@dataclass(frozen=True)
class Context:
    """What the classifier knows around a name: the column's type class, the table's subject
    and the lemmas of the table's name."""

    type_class: str                  # text | date | flag | number | json | binary | other | unknown
    subject: str | None
    table_lemmas: frozenset[str] = frozenset()
    person_table: bool = True        # the table is known to be about people
    prose: bool = True               # the declared type holds sentences (TEXT, long strings), or is unknown
    length: int | None = None        # the declared length of a string (VARCHAR(9): 9), None when unbounded
    thing_rows: bool = False         # the table's rows are things that it names (`documents.name`)
    person_columns: bool = False     # the table has a column only people have (a first name, a birth date)
    coded: bool = False              # the column is a key into a code list: its value is a code of it


@dataclass(frozen=True)
class Hit:
    concept: Concept
    term: frozenset[str]
    confidence: float
    words: tuple[str, ...]           # how the words of the term were read (`dt=date`)
    whole: bool                      # the term explains the whole name


@dataclass
class Concepts:
    concepts: list[Concept]
    groups: dict[str, frozenset[str]]
    partial_penalty: float
    fillers: frozenset[str] = field(default_factory=frozenset)  # words a whole name may also hold

    def group(self, name: str) -> frozenset[str]:
        return self.groups.get(name, frozenset())

    def match(self, reading: Reading, context: Context, *, text: bool = False) -> list[Hit]:
        """Every concept the reading matches in this context, the most specific terms only.

        `text`: the reading is a comment, not a name; whole-name terms do not apply to it."""
        lemmas = reading.lemma_set
        if not lemmas:
            return []
        person = bool(lemmas & self.group("person"))
        content = lemmas - self.fillers - self.group("person")
        tech_time = bool(lemmas & self.group("tech_time"))
        meta = lemmas & self.group("meta")
        hits: list[Hit] = []
        coded: list[Hit] = []  # matched only because the column is a code: kept when nothing else matches
        for concept in self.concepts:
            rule = concept.rule
            if not self._applies(concept, context, tech_time):
                continue
            if lemmas & concept.blocked:
                continue
            if rule.kind == "identifier" and meta:
                continue
            for term in concept.terms:
                if not term <= lemmas:
                    continue
                if not person and (lemmas - term) & concept.liftable:
                    continue  # an organisation's or a place's: unless the term names one (`france_travail`)
                # the label or code of a person's situation is that situation (`lib_action`, `code_sexe`)
                said = content - self.group("labels") if rule.kind == "attribute" else content
                explained = said <= term | concept.allowed_with
                if ((rule.whole or rule.names_only) and text) or (
                        rule.whole and not explained and not (rule.coded and context.coded)):
                    continue
                confidence = rule.confidence - (0 if explained else self.partial_penalty)
                hit = Hit(concept, term, round(confidence, 3), tuple(reading.explain(term)), explained)
                (hits if explained or not rule.whole else coded).append(hit)
        # a code's other words may name another fact (`help_language_id`: a language): that fact wins;
        # a free text does not (`cause_sortie`, a text key into the exit causes, still codes the exit)
        named = any(h.concept.category != "free_text" for h in hits)
        return _most_specific(hits if named else hits + coded)

    def _applies(self, concept: Concept, context: Context, tech_time: bool) -> bool:
        rule, who = concept.rule, context.subject or "none"
        if rule.person_table and not context.person_table:
            return False
        if rule.rows is not None and (rule.rows == "things") != context.thing_rows:
            return False
        if rule.person_columns and not context.person_columns:
            return False
        if (rule.subjects and who not in rule.subjects) or who in rule.not_subjects:
            return False
        if concept.tables and not concept.tables & context.table_lemmas:
            return False
        if concept.not_tables & context.table_lemmas:
            return False
        kind = context.type_class
        if rule.types in {"text", "prose"} and kind not in {"text", "unknown", "json"}:
            return False
        if rule.types == "prose" and not context.prose:
            return False
        if rule.types == "date" and kind != "date":
            return False
        if rule.min_length is not None and context.length is not None and context.length < rule.min_length:
            return False
        if kind == "flag" and not rule.flags:
            return False
        return not (kind == "date" and (tech_time or not rule.dates) and rule.types != "date")


def _most_specific(hits: list[Hit]) -> list[Hit]:
    """Drop a hit whose term another hit's term strictly includes; keep each category's best."""
    kept = [h for h in hits if not any(h.term < other.term for other in hits)]
    best: dict[str, Hit] = {}
    for hit in kept:
        current = best.get(hit.concept.category)
        if current is None or hit.confidence > current.confidence:
            best[hit.concept.category] = hit
    return list(best.values())


def _expand(words: list[str], groups: dict[str, frozenset[str]], file: Path, raw: object,
            loc: tuple[str | int, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Words with `$group` references expanded: (plain words, words of the org/place groups)."""
    plain: set[str] = set()
    liftable: set[str] = set()
    for i, word in enumerate(words):
        if word.startswith("$"):
            name = word[1:]
            if name not in groups:
                raise RuleError(f"unknown group {word!r}; known: {', '.join(sorted(groups))}", file=str(file),
                                line=locate(raw, (*loc, i)))
            (liftable if name in ORG_GROUPS else plain).update(groups[name])
        else:
            plain.add(word)
    return frozenset(plain), frozenset(liftable)


def load_concepts(taxonomy: Taxonomy, lexicon: Lexicon, path: Path) -> Concepts:
    raw = load_yaml_file(path, RuleError)
    model = validate(ConceptsFile, raw, str(path), RuleError)
    known = lexicon
    groups: dict[str, frozenset[str]] = {}
    for name, words in model.groups.items():  # a group may name an earlier one: `$person`
        plain, liftable = _expand(words, groups, path, raw, ("groups", name))
        groups[name] = plain | liftable
        _check_words(words, known, path, raw, ("groups", name))
    concepts = []
    for i, rule in enumerate(model.concepts):
        problem = taxonomy.check_key(rule.category)
        if problem:
            raise RuleError(problem, file=str(path), line=locate(raw, ("concepts", i, "category")))
        for attr in ("subjects", "not_subjects"):
            for j, subject in enumerate(getattr(rule, attr)):
                if subject != "none" and subject not in taxonomy.data_subjects:
                    raise RuleError(f"unknown data subject {subject!r}", file=str(path),
                                    line=locate(raw, ("concepts", i, attr, j)))
        for j, term in enumerate(rule.terms):
            _check_words(term, known, path, raw, ("concepts", i, "terms", j))
        blocked, liftable = _expand(rule.blocked_by, groups, path, raw, ("concepts", i, "blocked_by"))
        _check_words(sorted(blocked), known, path, raw, ("concepts", i, "blocked_by"))
        _check_words(rule.with_, known, path, raw, ("concepts", i, "with"))
        # a table's name is read whole: the org and place groups name tables like any other
        tables = frozenset().union(*_expand(rule.tables, groups, path, raw, ("concepts", i, "tables")))
        not_tables = frozenset().union(*_expand(rule.not_tables, groups, path, raw,
                                                ("concepts", i, "not_tables")))
        terms: list[frozenset[str]] = []
        for j, term in enumerate(rule.terms):  # `[$money]`: one term for each word of the group
            options: list[frozenset[str]] = [frozenset()]
            for k, word in enumerate(term):
                alternatives, more = _expand([word], groups, path, raw, ("concepts", i, "terms", j, k))
                options = [o | {w} for o in options for w in sorted(alternatives | more)]
            terms += options
        concepts.append(Concept(rule, tuple(terms), blocked, liftable - blocked,
                                frozenset(rule.with_), tables, not_tables))
    return Concepts(concepts, groups, model.partial_penalty)


def _check_words(words: list[str], lexicon: Lexicon, file: Path, raw: object,
                 loc: tuple[str | int, ...]) -> None:
    """A word the lexicon reads as another lemma (`journal` reads `log`) could never match: the
    concepts are written in lemmas. A word the lexicon does not know matches itself."""
    for j, word in enumerate(words):
        if word.startswith("$"):
            continue
        lemma = lexicon.variants.get(word) or lexicon.abbreviations.get(word) or lexicon.singular(word)
        if lemma is not None and lemma != word:
            raise RuleError(f"{word!r} reads as {lemma!r} (rules/classification/lexicon.yaml): "
                            f"write {lemma!r}",
                            file=str(file), line=locate(raw, (*loc, j)) or locate(raw, loc))
