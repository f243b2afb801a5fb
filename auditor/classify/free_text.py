"""The free-text lexicon (rules/classification/free_text_lexicon.yaml) and the SQL it compiles to.

The engine's part of the scan is SQL: the notes normalised and tested with one regular expression
per category, per chunk of terminology names and for the identifiers, so that only the candidate
notes reach the reader (auditor/classify/notes.py). The qualifier settings build edsnlp's pipes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from auditor.classify.identifiers import strip_accents
from auditor.classify.validators import VALIDATORS
from auditor.errors import RuleError
from auditor.models.profile import Strict
from auditor.profiles import Taxonomy
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, locate, validate

# what the reader writes before a woman's or a man's first name (first_names.yaml): patterns write
# `prenomf [a-z]+`; the engine, which does not mark names, reads the marker as nothing (any word)
FEMALE_NAME, MALE_NAME = "prenomf", "prenomm"
assert len(FEMALE_NAME) == len(MALE_NAME)  # the reader places offsets back by one length
_PATTERN_WORD = re.compile(r"[a-z]{3,}")  # a word of a pattern; a first name the reader can mark is one
_ANY_MARKER = re.compile(rf"\b(?:{FEMALE_NAME}|{MALE_NAME})\b")
_MARKER = re.compile(rf"\b(?:{FEMALE_NAME}|{MALE_NAME})\b(?! )")  # a marker not followed by a space


def names_first_name(pattern: str) -> bool:
    """Whether a pattern names a first name (a marker the reader writes before one)."""
    return bool(_ANY_MARKER.search(pattern))


class FirstNamesFile(Strict):
    version: int
    female: list[str]
    male: list[str]


class Near(Strict):
    first: str
    then: str
    within: int = Field(default=50, ge=1, le=200)
    apart: str | None = Field(default=None, description=(
        "Words that, between the two, name someone else the second may be said of (« M. … sa fille et "
        "son compagnon »): the two are then not near (the reader's pattern only)"))
    across: int = Field(default=0, ge=0, le=300, description=(
        "Characters back from the second phrase, over the sentences before its own, that the first may "
        "also be found in when the second's sentence names no one before it and no one is named between "
        "the two (telegraphic notes drop the subject: « Patient de 45 ans. Sans domicile, a vécu 10 ans "
        "avec son compagnon »); an impersonal « il » is no first phrase there. The reader's pattern only"))
    of_first: bool = Field(default=True, description=(
        "The first phrase names whom the second is said of (« sa mère … vit avec une femme »: a third "
        "party's); false when it names the partner (« sa copine, avec qui elle sort »)"))

    def pattern(self) -> str:
        return f"{self.pattern_before()}\\b(?:{self.then})"

    def pattern_before(self, group: str | None = None, across: bool = False) -> str:
        """The first phrase and what may follow it up to the second (the second, which starts a word,
        not included); `group` names the first phrase's group (for the reader, not the engine);
        `across`: in the sentences before the second's too, up to `across` characters."""
        marks = "!?\\n" if across else ".;!?\\n"
        gap = f"[^{marks}]" if self.apart is None else f"(?:(?!\\b(?:{self.apart})\\b)[^{marks}])"
        # the first phrase ends a word, or ends on a mark (« m. »: no word follows it in the text
        # searched, which stops where the second starts)
        first = f"(?P<{group}>{self.first})" if group else f"(?:{self.first})"
        # its complement is part of it, not someone else between (« le père des enfants », « la mère de
        # ses enfants » are one person)
        first += "(?: (?:des|du|de (?:la|sa|son|ses|leur|leurs|l)) [a-z]+)?"
        return f"{first}(?:\\b|(?<=\\W)){gap}{{0,{self.across if across else self.within}}}?"


class TextCategory(Strict):
    category: str
    terms: list[str] = Field(min_length=1)
    exclude: list[str] = Field(default_factory=list)
    near: list[Near] = Field(default_factory=list, description=(
        "Two phrases in one sentence, the second at most `within` characters after the first "
        "(« Mme … sa compagne »); the engine looks for the second only"))
    affirmed: list[str] = Field(default_factory=list, description=(
        "Phrases whose negation is the fact (« n'a pas de titre de séjour »): mentions that no qualifier "
        "removes"))
    linked: list[str] = Field(default_factory=list, description=(
        "Terms naming a service or a benefit: a mention only when a word of `link_words` ties the person "
        "to it just before (« suivi au CMP »)"))


class TextIdentifier(Strict):
    category: str
    pattern: str
    validator: str | None = None
    strip: str = Field(default="[ .\\-]", description=(
        "Characters removed before validation, when the pattern captures no group (else the groups are "
        "the value)"))
    bare_length: int | None = Field(default=None, description="A match of this length written with no "
                                                              "separator is ambiguous (a file number, a "
                                                              "barcode): it counts only after `cue`")
    cue: str | None = Field(default=None, description="Words that name the identifier, within `cue_window` "
                                                      "characters before a bare match")
    cue_window: int = 80


# what a cue phrase may hold once its alternatives are expanded
_PHRASE = re.compile(r"^[^\\\[\]{}*+^$.?()|]*$")
MAX_CUE_PHRASES = 2_000  # phrases one cue may stand for: edsnlp builds a matcher of every one


def _phrases_only(cues: list[str]) -> list[str]:
    """A qualifier cue is phrases (edsnlp matches words, not patterns): `(a|b)` alternatives and `(a )?`
    options only; `\\w*`, classes, repeats or a `?` after a letter would silently match nothing. A
    `?` alone is a cue of its own (a question)."""
    for cue in cues:
        if cue.strip() == "?":
            continue
        if "(?" in cue:
            raise ValueError(f"{cue!r} is no phrase: write each form, or `(a|b)` alternatives")
        phrases = cue_phrases(cue, MAX_CUE_PHRASES + 1)
        if len(phrases) > MAX_CUE_PHRASES:
            raise ValueError(f"{cue!r} stands for more than {MAX_CUE_PHRASES} phrases: split it")
        for phrase in phrases:
            if not _PHRASE.match(phrase):
                raise ValueError(f"{cue!r} is no phrase: write each form, or `(a|b)` alternatives")
    return cues


class NegationCues(Strict):
    remove_preceding: list[str] = Field(default_factory=list, description="Taken from edsnlp's")
    remove_following: list[str] = Field(default_factory=list, description="Taken from edsnlp's")
    preceding_regex: list[str] = Field(default_factory=list, description="Added to edsnlp's")
    preceding: list[str] = Field(default_factory=list, description="Added to edsnlp's")
    following: list[str] = Field(default_factory=list, description="Added to edsnlp's")
    verbs: list[str] = Field(default_factory=list, description="Added to edsnlp's, conjugated by edsnlp")
    remove_verbs: list[str] = Field(default_factory=list, description="Taken from edsnlp's")
    pseudo: list[str] = Field(default_factory=list, description="Added to edsnlp's")

    _phrases = field_validator("remove_preceding", "remove_following", "preceding", "following",
                               "pseudo")(_phrases_only)


class HypothesisCues(Strict):
    keep_preceding: list[str] = Field(description="edsnlp's preceding cues kept")
    preceding: list[str] = Field(default_factory=list)
    keep_following: list[str] = Field(description="edsnlp's following cues kept")
    following: list[str] = Field(default_factory=list)
    verbs_hyp: list[str] = Field(default_factory=list, description="In every tense")
    verbs_conditional: list[str] = Field(default_factory=list, description="In the conditional")
    pseudo: list[str] = Field(default_factory=list, description="Added to edsnlp's: phrases that hold a cue "
                                                                 "without doubting what follows")

    _phrases = field_validator("keep_preceding", "preceding", "keep_following", "following",
                               "pseudo")(_phrases_only)


class FamilyCues(Strict):
    add: list[str] = Field(default_factory=list, description="Added to edsnlp's family words")

    _phrases = field_validator("add")(_phrases_only)


class ReportedCues(Strict):
    verbs: list[str] = Field(default_factory=list, description="Replace edsnlp's")
    preceding: list[str] = Field(default_factory=list, description="Added to edsnlp's")

    _phrases = field_validator("preceding")(_phrases_only)


@cache
def _pipeline(settings_json: str) -> Qualifiers:
    return QualifierSettings.model_validate_json(settings_json).build_pipeline()


class QualifierSettings(Strict):
    """How edsnlp's qualifiers are configured for case notes (rules/classification/free_text_lexicon.yaml)."""

    termination: list[str] = Field(default_factory=list, description="Added to edsnlp's, for every qualifier")
    negation: NegationCues
    hypothesis: HypothesisCues
    family: FamilyCues
    reported_speech: ReportedCues

    _phrases = field_validator("termination")(_phrases_only)

    def _lists(self) -> dict[str, dict[str, list[str]]]:
        from edsnlp.pipes.qualifiers.family import patterns as family
        from edsnlp.pipes.qualifiers.hypothesis import patterns as hypothesis
        from edsnlp.pipes.qualifiers.negation import patterns as negation
        from edsnlp.pipes.qualifiers.reported_speech import patterns as reported
        from edsnlp.pipes.terminations import termination

        neg, hyp = self.negation, self.hypothesis
        ends = [*termination, *self.termination]
        # edsnlp's cues taken out, as phrases (a cue written with alternatives takes out each)
        removed_before = {p for cue in neg.remove_preceding for p in cue_phrases(cue)}
        removed_after = {p for cue in neg.remove_following for p in cue_phrases(cue)}
        return {
            "negation": {"preceding": [*(c for c in negation.preceding if c not in removed_before),
                                       *neg.preceding],
                         "preceding_regex": [*negation.preceding_regex, *neg.preceding_regex],
                         "termination": ends,
                         "following": [*(c for c in negation.following if c not in removed_after),
                                       *neg.following],
                         "verbs": [*(v for v in negation.verbs if v not in neg.remove_verbs), *neg.verbs],
                         "pseudo": [*negation.pseudo, *neg.pseudo]},
            "hypothesis": {"preceding": [*hyp.keep_preceding, *hyp.preceding],
                           "following": [*hyp.keep_following, *hyp.following],
                           "verbs_hyp": hyp.verbs_hyp, "verbs_eds": hyp.verbs_conditional,
                           "pseudo": [*hypothesis.pseudo, *hyp.pseudo], "termination": ends},
            "family": {"family": [*family.family, *self.family.add], "termination": ends},
            "reported_speech": {"verbs": self.reported_speech.verbs,
                                "preceding": [*reported.preceding, *self.reported_speech.preceding]},
        }

    def pipeline(self) -> Qualifiers:
        """edsnlp's four qualifiers with these cues, built once per process for the same cues (a
        pipeline holds no state between documents; building it costs seconds)."""
        return _pipeline(self.model_dump_json())

    def build_pipeline(self) -> Qualifiers:
        """edsnlp's four qualifiers with these cues, written as the notes are normalised (lower case,
        no accents, apostrophes as spaces), so that no normaliser runs on each note; the verbs are
        conjugated from edsnlp's table with the tenses each qualifier uses."""
        import edsnlp
        import edsnlp.pipes as eds
        from edsnlp.utils.resources import get_verbs

        def norm(cues: list[str]) -> list[str]:
            return list(dict.fromkeys(" ".join(_CUE_WORD.findall(plain(c).replace("'", " "))) or c
                                      for cue in cues for c in cue_phrases(cue)))

        def forms(verbs: list[str], keep: Any) -> list[str]:
            if not verbs:
                return []
            table = get_verbs(verbs, check_contains=False)
            return list(table.loc[keep(table)]["term"].unique())

        lists = self._lists()
        neg, hyp, fam, rep = (lists[k] for k in ("negation", "hypothesis", "family", "reported_speech"))
        neg_pre = forms(neg["verbs"], lambda t: ((t["mode"] == "Indicatif") & (t["tense"] == "Présent"))
                        | t["tense"].isin(["Participe Présent", "Participe Passé", "Infinitif Présent"]))
        neg_post = forms(neg["verbs"], lambda t: t["tense"] == "Participe Passé")
        hyp_pre = (forms(hyp["verbs_eds"], lambda t: t["mode"] == "Conditionnel")
                   + forms(hyp["verbs_hyp"], lambda t: t["verb"].notna()))
        hyp_post = forms(hyp["verbs_hyp"], lambda t: t["tense"] == "Participe Passé")
        rep_verbs = forms(rep["verbs"], lambda t: ((t["mode"] == "Indicatif") & (t["tense"] == "Présent")
                                                   & t["person"].isin(["3s", "3p"]))
                          | t["tense"].isin(["Participe Présent", "Participe Passé"]))
        ends = norm(neg["termination"])
        nlp = edsnlp.blank("eds")
        pipes = {
            # edsnlp conjugates `verbs` itself, with accents, which the notes no longer have: the same
            # verbs are given (an empty list would mean all verbs) and their accent-free forms added
            "negation": eds.negation(nlp, preceding=norm([*neg["preceding"], *neg_pre]), verbs=neg["verbs"],
                                     following=norm([*neg["following"], *neg_post]),
                                     pseudo=norm(neg["pseudo"]), preceding_regex=neg["preceding_regex"],
                                     termination=ends, attr="TEXT"),
            "hypothesis": eds.hypothesis(nlp, preceding=norm([*hyp["preceding"], *hyp_pre]),
                                         following=norm([*hyp["following"], *hyp_post]),
                                         verbs_hyp=hyp["verbs_hyp"], verbs_eds=hyp["verbs_eds"],
                                         pseudo=norm(hyp["pseudo"]), termination=ends, attr="TEXT"),
            "family": eds.family(nlp, family=norm(fam["family"]), termination=ends, use_sections=False,
                                 attr="TEXT"),
            "reported_speech": eds.reported_speech(nlp, verbs=rep["verbs"],
                                                   preceding=norm([*rep["preceding"], *rep_verbs]),
                                                   attr="TEXT"),
        }
        for pipe in pipes.values():
            _keep_whole_cues(pipe)
        cues = {
            "negation": [*norm([*neg["preceding"], *neg_pre, *neg["following"], *neg_post]), "ne", "n"],
            "hypothesis": [*norm([*hyp["preceding"], *hyp_pre, *hyp["following"], *hyp_post]), "?"],
            "family": norm(fam["family"]),
            "reported_speech": [*norm([*rep["preceding"], *rep_verbs]), "«", "»", '"'],
        }
        patterns = {}
        for name, phrases in cues.items():
            # a cue holds all its words: its longest word is the rarest anchor (« a avoue »: avoue)
            firsts = {max(p.split(), key=len) if p.split() else p for p in phrases}
            words = sorted(re.escape(w) for w in firsts if w[:1].isalnum())
            marks = "".join(re.escape(w) for w in firsts if w and not w[:1].isalnum())
            marked = f"|[{marks}]" if marks else ""
            patterns[name] = re.compile(r"\b(?:" + "|".join(words) + r")\b" + marked)
        relatives = sorted((re.escape(c) for c in cues["family"] if c), key=len, reverse=True)
        return Qualifiers(nlp, pipes, patterns, re.compile(r"\b(?:" + "|".join(relatives) + r")\b"))


def _keep_whole_cues(pipe: Any) -> None:
    """A termination word inside a cue does not end that cue's scope: edsnlp's « que » ends scopes,
    and would end those of « craint que », « plutôt que de » before their first word. The pipe's cues
    are found as before, less the terminations inside a longer cue (not a pseudo-cue: « pas que »
    negates nothing, and its « que » still ends the scope of « ne »)."""
    find = pipe.get_cues

    def get_cues(doc: Any, spans: Any = None) -> list[Any]:
        matches = find(doc, spans)
        cues = [m for m in matches if m.label_ not in ("termination", "pseudo")]
        return [m for m in matches if m.label_ != "termination" or not any(
            c.start <= m.start and m.end <= c.end and len(c) > len(m) for c in cues)]

    pipe.get_cues = get_cues


@dataclass
class Qualifiers:
    """edsnlp's qualifier pipes, and per qualifier a pattern of the first words of its cues: a
    sentence holding none of them has nothing for that qualifier to find."""

    nlp: Any
    pipes: dict[str, Any]
    first_words: dict[str, re.Pattern[str]]
    relative: re.Pattern[str]  # edsnlp's family cues, whole: a phrase naming a relative


_CUE_WORD = re.compile(r"[a-z0-9]+|:")  # a colon is part of a cue (« diabete : non »)


class Terminology(Strict):
    category: str
    source: str = Field(pattern="^(cim10|drugs)$")
    max_words: int = Field(default=3, ge=1)
    min_letters: int = Field(default=5, ge=1)


class LexiconFile(Strict):
    version: int
    civilities: list[str]
    qualifiers: QualifierSettings
    terminologies: list[Terminology] = Field(default_factory=list)
    ambiguous_names: list[str] = Field(default_factory=list, description=(
        "Terminology names that are common words (« goutte », « rage »)"))
    link_words: list[str] = Field(default_factory=list, description=(
        "What ties a person to a service or benefit named by a linked term"))
    link_window: int = Field(default=6, ge=1, description="Words before a linked term a link word may be")
    no_person: list[str] = Field(default_factory=list,
                                 description="A note that says it is about no one (a meeting): no category")
    collective: list[str] = Field(default_factory=list, description=(
        "A setting of several people (a partners' meeting, a group session): the note is about no one "
        "unless it names someone (a civility, a first name after « pour », « de », « avec »)"))
    named: list[str] = Field(default_factory=list, description=(
        "How a note names someone, on the text as written (before normalisation)"))
    place_before_name: list[str] = Field(default_factory=list, description=(
        "Words just before a first name that make it a place's name (« rue Victor Hugo », « Saint-Denis », "
        "« collège Jean Moulin »): that first name is not marked"))
    organisation_after_name: list[str] = Field(default_factory=list, description=(
        "Words just after a first name that make it an organisation's name (« France Travail »): that first "
        "name is not marked"))
    first_names: str | None = Field(default=None, description=(
        "A file of this folder listing women's and men's first names: the reader marks each one in a note "
        f"with `{FEMALE_NAME}` or `{MALE_NAME}` before it, which patterns may name"))
    categories: list[TextCategory]
    identifiers: list[TextIdentifier] = Field(default_factory=list)


# ICD-10 chapters of diseases, disorders, injuries and malformations (A00–T98); not external causes
# (V–Y: « agression ») nor factors influencing health status (Z: « difficultés liées au logement »).
_CIM10_CHAPTERS = tuple("ABCDEFGHIJKLMNOPQRST")


@dataclass
class Lexicon:
    model: LexiconFile
    file: str

    @property
    def categories(self) -> list[TextCategory]:
        return self.model.categories

    @property
    def identifiers(self) -> list[TextIdentifier]:
        return self.model.identifiers

    def qualifier_settings(self) -> QualifierSettings:
        return self.model.qualifiers

    @cached_property
    def engine_patterns(self) -> list[tuple[str, str]]:
        return _engine_patterns(self)

    @cached_property
    def first_names(self) -> tuple[frozenset[str], frozenset[str]]:
        """(women's, men's) first names, normalised; empty when the lexicon names no list."""
        if self.model.first_names is None:
            return frozenset(), frozenset()
        path = Path(self.file).parent / self.model.first_names
        names = _first_names(path)
        # a name that is also a word of the categories' patterns (« imam », « france ») is left
        # unmarked: a marker before it would break them
        used = {w for c in self.categories if self._names_first_names(c)
                for p in [*c.terms, *c.exclude, *c.linked, *c.affirmed,
                          *(x for n in c.near for x in (n.first, n.then, n.apart or ""))]
                for w in _PATTERN_WORD.findall(p)}
        return (frozenset(map(plain, names.female)) - used, frozenset(map(plain, names.male)) - used)

    @staticmethod
    def _names_first_names(cat: TextCategory) -> bool:
        """Whether an entry's patterns name a first name: the reader reads it on the marked copy too."""
        return any(names_first_name(p) for p in [*cat.terms, *cat.linked,
                                                 *(x for n in cat.near for x in (n.first, n.then))])

    def name_entries(self) -> frozenset[int]:
        """The indexes of the entries whose patterns name a first name."""
        return frozenset(i for i, c in enumerate(self.categories) if self._names_first_names(c))

    def terminology(self) -> dict[str, str]:
        """Normalised names of the terminologies -> category (loaded once per process)."""
        return _terminology(self.model.model_dump_json(include={"terminologies", "ambiguous_names"}))


def _first_names(path: Path) -> FirstNamesFile:
    """The lists of first names, parsed by libyaml (a tenth of the time of the parser that keeps line
    numbers, for 15,000 names); a list that is not right is read again with them, to say where."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML was built with it
        names = FirstNamesFile.model_validate(yaml.load(text, Loader=loader))
        bad = next((key for key, listed in (("female", names.female), ("male", names.male))
                    for name in listed if not _PATTERN_WORD.fullmatch(plain(name))), None)
    except (yaml.YAMLError, ValueError, OSError):  # said again below, with the file's line
        names, bad = None, "?"
    if names is not None and bad is None:
        return names
    raw = load_yaml_file(path, RuleError)  # the error, with its line
    names = validate(FirstNamesFile, raw, str(path), RuleError)
    for key, listed in (("female", names.female), ("male", names.male)):
        for i, name in enumerate(listed):
            if not _PATTERN_WORD.fullmatch(plain(name)):
                raise RuleError(f"{name!r} is no one-word first name of three letters or more",
                                file=str(path), line=locate(raw, (key, i)), key=f"{key}.{i}")
    return names  # pragma: no cover - libyaml and PyYAML read the same file alike


@cache
def _terminology(config: str) -> dict[str, str]:
    import csv
    import gzip
    import json

    from auditor.classify.tokens import general_words

    data = json.loads(config)
    ambiguous = {plain(n) for n in data["ambiguous_names"]}
    names: dict[str, str] = {}
    try:
        from edsnlp import BASE_DIR
    except ImportError:  # pragma: no cover - edsnlp is a dependency
        return names
    for term in data["terminologies"]:
        if term["source"] == "cim10":
            with gzip.open(BASE_DIR / "resources" / "cim10.csv.gz", "rt", encoding="utf-8") as fh:
                labels = [row["long"] for row in csv.DictReader(fh)
                          if row["code"].startswith(_CIM10_CHAPTERS)]
        else:
            drugs = json.loads((BASE_DIR / "resources" / "drugs.json").read_text(encoding="utf-8"))
            common = general_words()
            labels = [n for ns in drugs.values() for n in ns if plain(n) not in common]
        for label in labels:
            words = _CUE_WORD.findall(plain(label).replace("'", " "))
            phrase = " ".join(words)
            long_enough = sum(len(w) for w in words) >= term["min_letters"]
            if words and len(words) <= term["max_words"] and long_enough and phrase not in ambiguous:
                names.setdefault(phrase, term["category"])
    return names


def _alt(fragments: list[str]) -> str:
    return "(?:" + "|".join(fragments) + ")"


_CUE_GROUP = re.compile(r"\(([^()]*)\)(\?)?")


def cue_phrases(cue: str, limit: int | None = None) -> list[str]:
    """The phrases a qualifier cue written with alternatives stands for: edsnlp matches phrases, not
    patterns (« sans (son|sa) (voile|kippa) »: four phrases; « (a )?» optional). With `limit`, no more
    than that many (a cue that stands for more is refused as the lexicon loads)."""
    group = _CUE_GROUP.search(cue)
    if group is None:
        return [cue]
    options = group.group(1).split("|") + ([""] if group.group(2) else [])
    phrases: list[str] = []
    for option in options:
        expanded = cue[:group.start()] + option + cue[group.end():]
        phrases += (" ".join(p.split()) for p in cue_phrases(expanded, limit))
        if limit is not None and len(phrases) >= limit:
            return phrases[:limit]
    return phrases


def normalised_sql(column_sql: str, lexicon: Lexicon) -> str:
    """Lower case, no accents, « œ » as « oe », apostrophes as spaces: the engine's side of the
    reader's normalisation (auditor/classify/notes.py). The reader also blanks the surname after a
    civility; the engine keeps it, so it keeps a superset of the notes the reader finds anything in."""
    return (f"translate(lower(strip_accents(replace(replace({column_sql}, 'œ', 'oe'), 'Œ', 'oe'))), "
            "'’`''', '   ')")


PHRASE_CHUNK = 100  # phrases of a category per engine pattern
TERMINOLOGY_CHUNK = 1_000  # names per regular expression: a larger one costs the engine more than its parts


def pattern_sqls(lexicon: Lexicon) -> list[tuple[str, str]]:
    """(flag, RE2 pattern) for the engine: one per category (its terms, linked and affirmed
    phrases), the terminology in chunks, and the identifiers. A category's pattern flags the notes
    the reader must read for it; one regular expression of everything would cost the engine more
    than its parts (its automaton outgrows RE2's memory). Built once per lexicon: every notes
    column of an audit asks for them."""
    return lexicon.engine_patterns


def hyphen_tolerant(pattern: str) -> str:
    """The pattern with each space outside a character class also matching a hyphen: the engine
    keeps « sans-papiers » for a term written « sans papiers » (the reader reads a hyphen between
    two letters as a space)."""
    return _spaces_as(pattern, "[ -]")


def quote_tolerant(pattern: str) -> str:
    """The pattern with each space outside a character class matching spaces and quotation marks: an
    exclusion holds across a word the note puts in quotes (« a « volé » la vedette »)."""
    return _spaces_as(pattern, '(?:[\\s«»"]+)')


def _spaces_as(pattern: str, replacement: str) -> str:
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escaped = pattern[i:i + 2]
            out.append(replacement if escaped == "\\ " and not in_class else escaped)
            i += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        else:
            out.append(replacement if char == " " else char)
        i += 1
    return "".join(out)


def _engine_patterns(lexicon: Lexicon) -> list[tuple[str, str]]:
    b = chr(92) + "b"
    phrases = [[*c.terms, *c.linked, *c.affirmed, *(n.then for n in c.near)] for c in lexicon.categories]
    # a category's phrases in chunks: RE2's automaton for one long alternation grows faster than its length
    patterns = []
    for i, found in enumerate(phrases):
        for k, j in enumerate(range(0, len(found), PHRASE_CHUNK)):
            chunk = _alt(found[j:j + PHRASE_CHUNK])
            chunk = chunk.replace(f"{FEMALE_NAME} ", "").replace(f"{MALE_NAME} ", "")
            patterns.append((f"c{i}" if k == 0 else f"c{i}_{k}", hyphen_tolerant(b + chunk + b)))
    names = [hyphen_tolerant(re.escape(n)) for n in sorted(lexicon.terminology())]
    patterns += [(f"n{i}", b + _alt(names[j:j + TERMINOLOGY_CHUNK]) + b)
                 for i, j in enumerate(range(0, len(names), TERMINOLOGY_CHUNK))]
    if lexicon.identifiers:
        patterns.append(("ids", _alt([ident.pattern for ident in lexicon.identifiers])))
    return patterns


def candidate_sql(norm_sql: str, lexicon: Lexicon) -> str:
    """A boolean SQL expression: the (normalised) note holds a term of some category, a name of a
    terminology or an identifier pattern. The notes with none (most) are done."""
    return " OR ".join(f"regexp_matches({norm_sql}, {_sql_string(p)})" for _, p in pattern_sqls(lexicon))


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_lexicon(taxonomy: Taxonomy, path: Path | None = None) -> Lexicon:
    path = path or data_dir("rules") / "classification" / "free_text_lexicon.yaml"
    raw = load_yaml_file(path, RuleError)
    model = validate(LexiconFile, raw, str(path), RuleError)

    def fail(problem: str, loc: tuple[str | int, ...]) -> None:
        raise RuleError(problem, file=str(path), line=locate(raw, loc), key=".".join(map(str, loc)))

    for i, cat in enumerate(model.categories):
        problem = taxonomy.check_key(cat.category)
        if problem:
            fail(problem, ("categories", i, "category"))
        _check_patterns(cat, ("categories", i), fail)
    for i, term in enumerate(model.terminologies):
        problem = taxonomy.check_key(term.category)
        if problem:
            fail(problem, ("terminologies", i, "category"))
    _check_verbs(model.qualifiers, fail)
    for i, ident in enumerate(model.identifiers):
        problem = taxonomy.check_key(ident.category)
        if problem:
            fail(problem, ("identifiers", i, "category"))
        if ident.validator is not None and ident.validator not in VALIDATORS:
            fail(f"unknown validator {ident.validator!r}", ("identifiers", i, "validator"))
    if model.first_names is not None and not (path.parent / model.first_names).is_file():
        fail(f"no file {model.first_names!r} beside the lexicon", ("first_names",))
    lexicon = Lexicon(model, str(path))
    lexicon.first_names  # noqa: B018 - read now: a bad list is refused as the lexicon loads, not mid-scan
    return lexicon


def _check_patterns(cat: TextCategory, loc: tuple[str | int, ...],
                    fail: Callable[[str, tuple[str | int, ...]], None]) -> None:
    """A category's patterns: apostrophes written as spaces, and valid. Whether the engine (RE2) can
    run them is asked of the engine only when a scan fails (`engine_culprit`): compiling them all
    here would cost every audit more than a second."""
    for attr in ("terms", "exclude", "linked", "affirmed"):
        for j, fragment in enumerate(getattr(cat, attr)):
            if "'" in fragment:
                fail("write apostrophes as spaces (the scan turns them into spaces)", (*loc, attr, j))
            if _MARKER.search(fragment) or (attr in ("exclude", "affirmed") and _ANY_MARKER.search(fragment)):
                # exclusions and affirmed phrases are read on the note itself, never on the marked copy
                fail(f"a first-name marker is written `{FEMALE_NAME} [a-z]+`, in terms, linked phrases "
                     "and near rules only", (*loc, attr, j))
            try:
                re.compile(fragment)
            except re.error as err:
                fail(f"invalid regular expression: {err}", (*loc, attr, j))
    for j, near in enumerate(cat.near):
        for attr in ("first", "then"):
            if _MARKER.search(getattr(near, attr)):
                fail(f"write a first-name marker with the name after it: `{FEMALE_NAME} [a-z]+`",
                     (*loc, "near", j, attr))


def engine_culprit(lexicon: Lexicon) -> RuleError | None:
    """When the engine refused the lexicon's patterns: the first one it cannot run (RE2: no
    look-around, no back-reference…), named by file, line and key; None if none of them is the cause.
    One query per category, and one per pattern of a category that fails."""
    path = Path(lexicon.file)
    raw = load_yaml_file(path, RuleError)
    b = chr(92) + "b"
    for i, cat in enumerate(lexicon.categories):
        engine: list[tuple[tuple[str | int, ...], str]] = [
            ((attr, j), f) for attr in ("terms", "linked", "affirmed")
            for j, f in enumerate(getattr(cat, attr))]
        engine += [(("near", k, "then"), near.then) for k, near in enumerate(cat.near)]
        if not _engine_refuses(hyphen_tolerant(b + _alt([f for _, f in engine]) + b)):
            continue
        for where, fragment in engine:
            if _engine_refuses(hyphen_tolerant(b + _alt([fragment]) + b)):
                loc = ("categories", i, *where)
                return RuleError(f"the engine cannot run this regular expression (RE2: no look-around, no "
                                 f"back-reference): {fragment}", file=str(path), line=locate(raw, loc),
                                 key=".".join(map(str, loc)))
    return None


def _engine_refuses(pattern: str) -> bool:
    """Whether DuckDB's regular expressions (RE2) refuse `pattern` (its message is not kept: the
    error says what the auditor knows, the pattern and where it is written)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SELECT regexp_matches('', ?)", [pattern]).fetchone()
    except duckdb.Error:
        return True
    finally:
        con.close()
    return False


def _check_verbs(settings: QualifierSettings, fail: Callable[[str, tuple[str | int, ...]], None]) -> None:
    """edsnlp conjugates the qualifiers' verbs from its own table: a verb it does not know would
    stop the pipeline from being built; say which one, where."""
    try:
        from edsnlp.utils.resources import get_verbs
    except ImportError:  # pragma: no cover - edsnlp is a dependency
        return
    known = set(get_verbs()["verb"])
    lists = {("qualifiers", "negation", "verbs"): settings.negation.verbs,
             ("qualifiers", "hypothesis", "verbs_hyp"): settings.hypothesis.verbs_hyp,
             ("qualifiers", "hypothesis", "verbs_conditional"): settings.hypothesis.verbs_conditional,
             ("qualifiers", "reported_speech", "verbs"): settings.reported_speech.verbs}
    for loc, verbs in lists.items():
        for j, verb in enumerate(verbs):
            if verb not in known:
                fail(f"edsnlp cannot conjugate {verb!r}: write its forms as cues instead", (*loc, j))


def plain(text: str) -> str:
    """The Python twin of the SQL normalisation (lower case, no accents), for cues and names."""
    return strip_accents(text.replace("œ", "oe").replace("Œ", "oe")).lower()
