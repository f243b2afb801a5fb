"""The free-text lexicon (rules/classification/free_text_lexicon.yaml) and the SQL it compiles to.

Every step of the scan is one SQL expression per category, so that it runs where the notes are
(DuckDB for sample files, the audited database otherwise) and only counts come back. The
snippets shown in a report are masked in Python from a handful of rows: words that are not
lexicon terms or function words become "•••", digits are never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from auditor.classify.identifiers import strip_accents
from auditor.classify.validators import VALIDATORS
from auditor.errors import RuleError
from auditor.models.profile import Strict
from auditor.profiles import Taxonomy
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, locate, validate


class TextCategory(Strict):
    category: str
    terms: list[str] = Field(min_length=1)
    exclude: list[str] = Field(default_factory=list)


class TextIdentifier(Strict):
    category: str
    pattern: str
    validator: str | None = None
    strip: str = Field(default="[ .\\-]", description="Characters removed before validation")


class LexiconFile(Strict):
    version: int
    civilities: list[str]
    negations: list[str]
    fillers: list[str]
    categories: list[TextCategory]
    identifiers: list[TextIdentifier] = Field(default_factory=list)


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


def _alt(fragments: list[str]) -> str:
    return "(?:" + "|".join(fragments) + ")"


def normalised_sql(column_sql: str, lexicon: Lexicon) -> str:
    """Names after a civility removed, lower case, no accents, straight apostrophes as spaces."""
    civ = _alt(lexicon.model.civilities)
    no_names = f"regexp_replace({column_sql}, '\\b{civ}\\s+\\p{{Lu}}[\\pL\\-]+', ' ', 'g')"
    return (f"regexp_replace(lower(strip_accents(replace(replace({no_names}, 'œ', 'oe'), 'Œ', 'oe'))), "
            "'[’`'']', ' ', 'g')")


def any_term_sql(norm_sql: str, lexicon: Lexicon) -> str:
    """A boolean SQL expression: the (normalised) note holds a term of some category. One regex
    that lets a note with none skip every category's test."""
    terms = _alt([term for cat in lexicon.categories for term in cat.terms])
    return f"regexp_matches({norm_sql}, '\\b{terms}\\b')"


def category_sql(norm_sql: str, cat: TextCategory, lexicon: Lexicon) -> str:
    """A boolean SQL expression: the (normalised) note mentions the category, not negated."""
    text = norm_sql
    if cat.exclude:
        text = f"regexp_replace({text}, '\\b{_alt(cat.exclude)}\\b', ' ', 'g')"
    terms = _alt(cat.terms)
    negated = (f"\\b{_alt(lexicon.model.negations)}\\b\\s*(?:{_alt(lexicon.model.fillers)}\\b\\s*){{0,5}}"
               f"{terms}\\b")
    text = f"regexp_replace({text}, '{negated}', ' ', 'g')"
    # the exclusions and negations are removed only from notes where a term occurs at all: CASE
    # evaluates its branch on those rows alone (most notes mention no given category)
    return (f"CASE WHEN regexp_matches({norm_sql}, '\\b{terms}\\b') "
            f"THEN regexp_matches({text}, '\\b{terms}\\b') ELSE false END")


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
        for attr in ("terms", "exclude"):
            for j, fragment in enumerate(getattr(cat, attr)):
                if "'" in fragment:
                    fail("write apostrophes as spaces (the scan turns them into spaces)",
                         ("categories", i, attr, j))
                try:
                    re.compile(fragment)
                except re.error as err:
                    fail(f"invalid regular expression: {err}", ("categories", i, attr, j))
    for i, ident in enumerate(model.identifiers):
        problem = taxonomy.check_key(ident.category)
        if problem:
            fail(problem, ("identifiers", i, "category"))
        if ident.validator is not None and ident.validator not in VALIDATORS:
            fail(f"unknown validator {ident.validator!r}", ("identifiers", i, "validator"))
    return Lexicon(model, str(path))


# -- masked snippets -----------------------------------------------------------------------
_SAFE = {"le", "la", "les", "l", "de", "des", "du", "d", "un", "une", "et", "ou", "en", "au", "aux",
         "a", "pour", "par", "sur", "sous", "avec", "sans", "dans", "est", "sont", "il", "elle", "ils",
         "elles", "on", "nous", "vous", "je", "j", "se", "s", "sa", "son", "ses", "leur", "leurs", "ne",
         "n", "pas", "plus", "que", "qu", "qui", "ce", "cette", "ces", "y", "lui", "eux", "mais",
         "donc", "car", "suivi", "suivie", "depuis", "lors", "chez", "the", "of", "and", "or", "to",
         "in", "for", "with", "is", "was", "has", "have", "he", "she", "they", "not", "no", "his",
         "her"}
_WORD = re.compile(r"[a-z0-9]+")
MASK = "•••"


def plain(text: str) -> str:
    """The Python twin of the SQL normalisation (lower case, no accents), for snippets."""
    return strip_accents(text.replace("œ", "oe").replace("Œ", "oe")).lower()


def masked_snippet(text: str, terms: re.Pattern[str], window: int = 4) -> str | None:
    """± `window` words around the first mention; anything but function words and lexicon terms
    masked, digits always masked. None if the term is not found."""
    low = plain(text)
    match = terms.search(low)
    if match is None:
        return None
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(low)]
    first = next(i for i, (s, e, _) in enumerate(words) if e > match.start())
    last = max(i for i, (s, _, _) in enumerate(words) if s < match.end())
    out = []
    for i in range(max(0, first - window), min(len(words), last + window + 1)):
        word = words[i][2]
        inside = first <= i <= last
        keep = not any(c.isdigit() for c in word) and (inside or word in _SAFE or bool(terms.fullmatch(word)))
        out.append(word if keep else MASK)
    prefix = "… " if first - window > 0 else ""
    suffix = " …" if last + window + 1 < len(words) else ""
    return prefix + " ".join(out) + suffix


def term_pattern(cat: TextCategory) -> re.Pattern[str]:
    return re.compile(r"\b" + _alt(cat.terms) + r"\b")
