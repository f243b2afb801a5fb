"""Read a note as a careful reader would: what it mentions, and whether it says so as a fact.

The engine (auditor/sources/free_text_scan.py) keeps the candidate notes, those where some term or
identifier pattern occurs; this module reads them, one by one, in memory, and returns for each the
categories it reveals with their qualifiers. It never writes a note anywhere: what it returns
holds the lexicon's words that matched (auditor/classify/term_cues.py), the forms of the identifiers
(length, separators) and qualifiers, never the note's text nor an identifier's value.

For each candidate note:
  1. normalise it as the engine does (surnames after a civility blanked, lower case, no accents);
  2. per category, blank the phrases that use its words in another sense (`exclude`), then find
     its terms and the names of its terminologies (ICD-10 labels, drug names, from edsnlp);
  3. qualify every mention with edsnlp's rule-based pipes for French clinical text (negation,
     hypothesis, family, reported speech), configured by the lexicon; a note with no cue of any
     qualifier skips this step: its mentions are plain facts;
  4. find the identifiers written in it and check them (key, numbering plan).
A category is revealed when one of its mentions is neither negated nor hypothetical; it concerns a
third party when every such mention does.
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from auditor.classify.alternation import by_first_letter
from auditor.classify.free_text import (
    FEMALE_NAME,
    MALE_NAME,
    Lexicon,
    Near,
    Qualifiers,
    QualifierSettings,
    names_first_name,
    quote_tolerant,
)
from auditor.classify.term_cues import CueFinder
from auditor.classify.validators import VALIDATORS, passes
from auditor.models.classification import IdentifierForm

_WORD = re.compile(r"[a-z0-9]+")
# a sentence ends at a stop followed by a space or the note's end, or at a line's end: never at the dots
# of a date or a number (« 12.03.2024 », « 3.5 »)
_SENTENCE = re.compile(r"(?:[^.;!?\n]|[.;!?](?=[^\s.;!?)\]»\"]))+[.;!?\n]*")
_PRONOUNS = r"(?:Il|Elle|Ils|Elles|On|Je|Nous|Vous|Le|La|Les|Un|Une|Son|Sa|Ses|Ce|Cette|Ces)"
_CIVILITY_MIDSENTENCE = re.compile(r"\b(M|Mme|Mlle|Mr|Dr)\.(?=[ \t]+[a-zà-ÿ])")
# a civility standing for the person of the file, before a lower-case word (« Mme y est suivie »)
_BARE_CIVILITY = re.compile(r"\b(?:M|Mr|Mme|Mlle|Monsieur|Madame)\.?\s+[a-zà-ÿ]")
# an e-mail address as written or spelt out (« [at] », « (at) », « arobase »), or a URL: no term inside it
_ADDRESSES = re.compile(r"[\w.%+\-]+ ?(?:@|\[at\]|\(at\)|\(?\barr?obase\b\)?) ?[\w.\-]+\.[a-z]{2,}"
                        r"|\b(?:https?://|www\.)\S+")
_APOSTROPHES = re.compile(r"[’`'']")


def _plain_table() -> dict[int, str]:
    """Each accented letter, ligature, special space or combining mark of the Latin and punctuation
    blocks -> its compatibility decomposition without marks (« é » -> « e », « œ » -> « oe », a
    non-breaking space -> a space). One `str.translate` does what decomposing each character would."""
    table: dict[int, str] = {ord("œ"): "oe", ord("Œ"): "OE"}
    for block in (range(0x80, 0x250), range(0x2000, 0x2070), range(0xFB00, 0xFB07)):
        for cp in block:
            char = chr(cp)
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            if plain != char and cp not in table:
                table[cp] = plain
    for cp in range(0x300, 0x370):  # marks of a text already decomposed
        table[cp] = ""
    return table


_PLAIN = _plain_table()


# a hyphen between two letters, read as a space in words (« sans-papiers », « garde-à-vue », « grand-mère »
# as the lexicon writes them); not in identifiers (« ce.0930456x@ac-creteil.fr »)
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_NAME_WORD = re.compile(r"\b[a-z]{3,}\b")  # a word that may be a first name (first_names.yaml)


def normalise(text: str, civilities: re.Pattern[str]) -> str:
    """The Python twin of the engine's normalisation (auditor/classify/free_text.py). A civility's dot
    before a lower-case word ends no sentence (« vérifier si M. a un casier » is one question): it
    becomes a space, read while the note still has its capitals (« … joindre Mme. Elle est … » keeps
    its full stop)."""
    text = _CIVILITY_MIDSENTENCE.sub(r"\1 ", text)
    text = civilities.sub(r"\1 ", text)  # the surname goes, the civility stays: it says who
    return _APOSTROPHES.sub(" ", text.translate(_PLAIN).lower())


@dataclass(frozen=True)
class Mention:
    category: str
    start: int
    end: int
    negated: bool = False
    hypothetical: bool = False
    third_party: bool = False
    reported: bool = False
    # a `near` rule's mention: its first phrase names whom it is said of (`start` to `said_of`), its
    # second phrase (`head` to `end`) is what is said: qualified on its own (« Mme n'a jamais eu de
    # relation avec une femme »), a third party's when the first phrase names a relative
    head: int = -1
    said_of: int = -1

    @property
    def affirmed(self) -> bool:
        return not (self.negated or self.hypothetical)


@dataclass
class NoteReading:
    """What one note reveals: category -> its qualifiers, plus the valid identifiers found."""

    categories: dict[str, set[str]] = field(default_factory=dict)  # category -> {third_party, reported}
    cues: dict[str, str] = field(default_factory=dict)  # category -> the lexicon's words matched first
    identifiers: dict[str, list[IdentifierForm]] = field(default_factory=dict)  # category -> their forms
    negated: set[str] = field(default_factory=set)
    hypothetical: set[str] = field(default_factory=set)

    @property
    def found(self) -> set[str]:
        return set(self.categories) | set(self.identifiers)


@dataclass(frozen=True)
class Candidate:
    """A note the engine kept: its number, its text (in memory only) and the patterns it holds
    (`c<i>`: category i, `n<i>`: a terminology chunk, `ids`: an identifier)."""

    row: int
    raw: str
    patterns: frozenset[str] | None = None  # None: not known, read for everything
    key: str | None = None  # the row's key, when the table has one that is not personal


@dataclass
class _Near:
    """Two phrases in one sentence: `then` is looked for, `before` in the few characters before it
    (a pattern anchored at their end), so that a common first phrase (« il », « M. ») costs nothing
    where no second follows."""

    then: re.Pattern[str]
    before: re.Pattern[str]
    reach: int  # characters before `then` that `before` may start in
    of_first: bool = True  # the first phrase names whom the mention is said of
    # the same, in the sentences before `then`'s too, when that sentence names no one before it
    across: re.Pattern[str] | None = None
    reach_across: int = 0


@dataclass
class _Category:
    category: str
    terms: re.Pattern[str]
    exclude: re.Pattern[str] | None
    linked: re.Pattern[str] | None
    affirmed: re.Pattern[str] | None
    near: list[_Near] = field(default_factory=list)
    near_then: re.Pattern[str] | None = None  # the second phrases of all, for one pass over a note
    someone: re.Pattern[str] | None = None  # whom the `near` rules name, pronouns and civilities


@dataclass
class _Identifier:
    category: str
    pattern: re.Pattern[str]
    validator: str | None
    strip: re.Pattern[str]
    bare_length: int | None = None
    cue: re.Pattern[str] | None = None
    window: int = 0


_NEAR_FIRST = 40  # characters a `near` rule's first phrase may take
# the pronouns and civilities that name someone as a sentence's subject (with the people a category's
# `near` rules name, they say a sentence has a subject of its own)
_SUBJECTS = r"il|elle|ils|elles|on|je|j|nous|vous|m|mme|mr|mlle|monsieur|madame"
# « il est proposé », « il n'y a plus », « il faut » : no one
_IMPERSONAL = re.compile(
    r"\s+(?:n )?y a\b|\s+(?:faut|faudrait|fallait|semble|semblait|s agit|reste|restait|suffit)\b"
    r"|\s+(?:est|etait|a ete|sera) (?:propose|prevu|convenu|decide|necessaire|possible|important"
    r"|urgent|difficile|demande|conseille|indique|rappele|note|temps)\b")


def _impersonal(text: str, word: str, end: int) -> bool:
    """Whether `word`, ending at `end`, is an impersonal « il »."""
    return word.strip() == "il" and bool(_IMPERSONAL.match(text, end))


# a dot that ends no sentence: after an abbreviation (« cf. », « env. »); a civility's dot inside a
# sentence is already a space (`normalise`)
_ABBREVIATION_DOT = re.compile(r"\b(?:cf|env|ex|p|art|etc|vs|st|ste|av|bd|tel|n)\s*$")
MAX_SENTENCE = 1_000  # characters a qualifier reads at once: past it, a sentence is cut at a comma or a space


def _sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans of a note's sentences, a sentence longer than MAX_SENTENCE cut at its last comma or
    space before the limit: the qualifiers compare the cues of a sentence pairwise, and a note with no
    full stop must cost no more than its length."""
    for sentence in _SENTENCE.finditer(text):
        start, end = sentence.span()
        while end - start > MAX_SENTENCE:
            limit = start + MAX_SENTENCE
            cut = max(text.rfind(",", start, limit), text.rfind(" ", start, limit))
            cut = cut + 1 if cut > start else limit
            yield start, cut
            start = cut
        yield start, end


def _sentence_start(text: str, at: int, lo: int) -> int:
    """Where the sentence `at` is in starts: after the last full stop or semicolon before it, no
    further back than `lo`, that ends a sentence; -1 when there is none there."""
    end = at
    while True:
        mark = max(text.rfind(".", lo, end), text.rfind(";", lo, end))
        if mark < 0 or text[mark] == ";" or not _ABBREVIATION_DOT.search(text, max(0, mark - 6), mark):
            return mark
        end = mark


_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_CLAUSE_MARKS = (",", ":", "«", "»", '"', "(", ")", "→")


def _alt(fragments: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{f})" for f in fragments) + ")"


def _compile(category: str, terms: list[str], exclude: list[str], linked: list[str], affirmed: list[str],
             near: list[Near]) -> _Category:
    excluded = by_first_letter([quote_tolerant(x) for x in exclude])
    cat = _Category(category, re.compile(rf"\b{by_first_letter(terms)}\b") if terms else _NOTHING,
                    re.compile(rf"\b{excluded}\b") if exclude else None,
                    re.compile(rf"\b{by_first_letter(linked)}\b") if linked else None,
                    re.compile(rf"\b{by_first_letter(affirmed)}\b") if affirmed else None,
                    [_Near(re.compile(rf"\b(?:{n.then})\b"), re.compile(rf"\b{n.pattern_before('of')}\Z"),
                           n.within + _NEAR_FIRST, n.of_first,
                           re.compile(rf"\b{n.pattern_before('of', across=True)}\Z") if n.across else None,
                           n.across + _NEAR_FIRST) for n in near])
    if near:
        cat.near_then = re.compile(rf"\b{by_first_letter([n.then for n in near])}\b")
        people = [n.first for n in near] + [n.apart for n in near if n.apart] + [_SUBJECTS]
        cat.someone = re.compile(rf"\b{_alt(people)}\b")
    return cat


_NOTHING = re.compile(r"(?!)")  # no term


@dataclass(frozen=True)
class _Marked:
    """A note with its first names marked, and how to place its offsets back on the note."""

    text: str
    starts: list[int]   # where each marker starts, in `text`
    added: list[int]    # characters the markers before it added

    def original(self, offset: int) -> int:
        k = bisect.bisect_right(self.starts, offset) - 1
        if k < 0 or offset < 0:
            return offset
        marker_end = self.starts[k] + len(FEMALE_NAME) + 1  # both markers have one length
        if offset < marker_end:  # inside a marker: the name it marks
            return self.starts[k] - self.added[k]
        return offset - self.added[k] - (len(FEMALE_NAME) + 1)

    def covers(self, m: Mention) -> bool:
        """Whether a mention of the marked text holds a marker (it names someone by a first name)."""
        k = bisect.bisect_left(self.starts, m.start)
        return k < len(self.starts) and self.starts[k] < m.end

    def back(self, m: Mention) -> Mention:
        return dataclasses.replace(m, start=self.original(m.start), end=self.original(m.end),
                                   head=self.original(m.head) if m.head >= 0 else -1,
                                   said_of=self.original(m.said_of) if m.said_of >= 0 else -1)


class NoteReader:
    """Compiled once per scan; `read` is called for each candidate note, `read_many` for a batch."""

    def __init__(self, lexicon: Lexicon) -> None:
        model = lexicon.model
        self.lexicon = lexicon
        civ = _alt(model.civilities)
        # the name after a civility, or its initial with its dot when the sentence goes on after it
        # (« Mme D. et sa compagne », « M. R., 83 ans, … avec son mari »: the initial's dot ends no
        # sentence); an initial that ends the sentence keeps its dot (« vu Mme D. Elle va bien »)
        initial = r"[A-ZÀ-ÖØ-Þ]\.(?=\s*[,;:()\-–]|\s+[a-zà-ÿ0-9])"
        # the surname after a civility, on its line; a capitalised pronoun starts a sentence
        # (« … M. Il est … »)
        self.civilities = re.compile(rf"\b({civ})[ \t]+(?!{_PRONOUNS}\b)(?:[A-ZÀ-ÖØ-Þ][\w\-]+|{initial})")
        self.categories = [_compile(c.category, c.terms, c.exclude, c.linked, c.affirmed, c.near)
                           for c in model.categories]
        # what the marked copy is read for: an entry's patterns that name a first name, and its exclusions
        self.name_categories = {
            f"c{i}": _compile(c.category, [t for t in c.terms if names_first_name(t)], c.exclude,
                              [t for t in c.linked if names_first_name(t)], [],
                              [n for n in c.near if names_first_name(n.first) or names_first_name(n.then)])
            for i, c in enumerate(model.categories) if i in lexicon.name_entries()}
        self.link = re.compile(rf"\b{_alt(model.link_words)}\b") if model.link_words else None
        self.link_window = model.link_window
        self.no_person = re.compile(rf"\b{_alt(model.no_person)}\b") if model.no_person else None
        self.collective = re.compile(rf"\b{_alt(model.collective)}\b") if model.collective else None
        self.named = re.compile(_alt(model.named)) if model.named else None
        # a street's, a town's or an organisation's name that holds a first name
        self.place_before = re.compile(rf"\b{_alt(model.place_before_name)}\s+\Z") \
            if model.place_before_name else None
        self.organisation_after = re.compile(rf"\s+{_alt(model.organisation_after_name)}\b") \
            if model.organisation_after_name else None
        self.identifiers = [
            _Identifier(i.category, re.compile(i.pattern), i.validator, re.compile(i.strip), i.bare_length,
                        re.compile(rf"\b(?:{i.cue})\b") if i.cue else None, i.cue_window)
            for i in model.identifiers]
        self.terminology = lexicon.terminology()  # normalised phrase -> category
        self.first_names_female, self.first_names_male = lexicon.first_names
        # the entries whose patterns name a first name: a note is marked only when read for one of them
        self.name_flags = frozenset(self.name_categories)
        # a category may have several entries (health: its terms, its sexual health): their patterns together
        patterns: dict[str, list[str]] = {}
        for c in model.categories:
            patterns.setdefault(c.category, []).extend(
                [*c.terms, *c.linked, *c.affirmed, *(n.pattern() for n in c.near)])
        self.cues = CueFinder(patterns, self.terminology)
        self.max_words = max((len(p.split()) for p in self.terminology), default=0)
        self.settings: QualifierSettings = lexicon.qualifier_settings()
        self._qualifiers: Qualifiers | None = None

    # -- finding mentions ----------------------------------------------------------------------
    def affirmed_mentions(self, text: str, patterns: frozenset[str] | None = None,
                          scopes: dict[int, tuple[str, str]] | None = None) -> list[Mention]:
        """Mentions whose negation is the fact itself: no qualifier applies to them."""
        return [Mention(cat.category, m.start(), m.end()) for i, cat in enumerate(self.categories)
                if cat.affirmed is not None and (patterns is None or f"c{i}" in patterns)
                for m in cat.affirmed.finditer(self._excluded(cat, text, scopes))]

    @staticmethod
    def _excluded(cat: _Category, text: str, scopes: dict[int, tuple[str, str]] | None = None) -> str:
        """The note with its category's words in another sense blanked out; `scopes` keeps it for the
        note being read (its terms and its affirmed phrases read the same scope)."""
        if cat.exclude is None:
            return text
        kept = scopes.get(id(cat)) if scopes is not None else None
        if kept is not None and kept[0] is text:
            return kept[1]
        scope = cat.exclude.sub(lambda m: " " * len(m.group()), text)
        if scopes is not None:
            scopes[id(cat)] = (text, scope)
        return scope

    def mentions(self, text: str, patterns: frozenset[str] | None = None,
                 marked: _Marked | None = None,
                 scopes: dict[int, tuple[str, str]] | None = None) -> list[Mention]:
        """The category mentions of a normalised note; the entries whose patterns name a first name
        are also read on `marked`, the note with its first names marked, their mentions placed back
        on the note (the other entries never see the markers)."""
        found: list[Mention] = []
        for i, cat in enumerate(self.categories):
            if patterns is not None and f"c{i}" not in patterns:
                continue
            found += self._category_mentions(cat, text, scopes)
            named = self.name_categories.get(f"c{i}") if marked is not None else None
            if named is not None and marked is not None:
                # only what names someone by a first name: the rest was read on the note itself
                found += [marked.back(m) for m in self._category_mentions(named, marked.text)
                          if marked.covers(m)]
        if self.terminology and (patterns is None or any(p.startswith("n") for p in patterns)):
            words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
            for i in range(len(words)):
                for n in range(min(self.max_words, len(words) - i), 0, -1):
                    phrase = " ".join(w[2] for w in words[i:i + n])
                    category = self.terminology.get(phrase)
                    if category is not None:
                        found.append(Mention(category, words[i][0], words[i + n - 1][1]))
                        break
        return found

    def _category_mentions(self, cat: _Category, text: str,
                           scopes: dict[int, tuple[str, str]] | None = None) -> list[Mention]:
        scope = self._excluded(cat, text, scopes)
        found = [Mention(cat.category, m.start(), m.end()) for m in cat.terms.finditer(scope)]
        found += self._near_mentions(cat, scope)
        if cat.linked is not None and self.link is not None:
            for m in cat.linked.finditer(scope):
                before = " ".join(_WORD.findall(scope[:m.start()])[-self.link_window:])
                if self.link.search(before):
                    found.append(Mention(cat.category, m.start(), m.end()))
        return found

    def _near_mentions(self, cat: _Category, scope: str) -> list[Mention]:
        """The second phrases of a category's `near` rules, each with its first phrase just before."""
        found: list[Mention] = []
        if cat.near_then is None:
            return found
        for hit in cat.near_then.finditer(scope):
            for near in cat.near:
                m = near.then.match(scope, hit.start())
                if m is None:
                    continue
                first = near.before.search(scope, max(0, m.start() - near.reach), m.start())
                while first is not None:  # the nearest first phrase (« sa mère pense que Mme … »)
                    nearer = near.before.search(scope, first.start() + 1, m.start())
                    if nearer is None:
                        break
                    first = nearer
                if first is None and near.across is not None:
                    first = self._subject_before(cat, near, scope, m.start())
                if first is not None:
                    found.append(Mention(cat.category, first.start(), m.end(), head=m.start(),
                                         said_of=first.end("of") if near.of_first else -1))
        return found

    def _subject_before(self, cat: _Category, near: _Near, scope: str, at: int) -> re.Match[str] | None:
        """The first phrase of the sentences before the one `at` is in, when that sentence names no
        one before `at` (a telegraphic note's « Sans domicile, a vécu … » is said of the person named
        before; « Le voisin vit avec … », « Karine vit avec … » are not), and no one is named between
        the two: the last person named before is the one. An impersonal « il » names no one."""
        assert near.across is not None and cat.someone is not None
        lo = max(0, at - near.reach_across)
        start = _sentence_start(scope, at, lo)
        if start < 0 or self._names_anyone(cat, scope, start, at):
            return None
        found = []
        first = near.across.search(scope, lo, at)
        while first is not None:
            found.append(first)
            first = near.across.search(scope, first.start() + 1, at)
        first = next((f for f in reversed(found) if not _impersonal(scope, f.group("of"), f.end("of"))), None)
        if first is None or self._names_anyone(cat, scope, first.end("of"), start):
            return None
        return first

    def _names_anyone(self, cat: _Category, scope: str, start: int, end: int) -> bool:
        """Whether `scope[start:end]` names someone: a person the category's near rules name, a
        pronoun, a civility or a first name."""
        assert cat.someone is not None
        if any(not _impersonal(scope, m.group(), m.end()) for m in cat.someone.finditer(scope, start, end)):
            return True
        return self._holds_first_name(scope, start, end)

    def _holds_first_name(self, text: str, start: int, end: int) -> bool:
        """Whether `text[start:end]` holds a word of the first-name lists."""
        words = set(_NAME_WORD.findall(text, start, end))
        return bool(words & self.first_names_female or words & self.first_names_male)

    def identifiers_in(self, text: str) -> dict[str, list[IdentifierForm]]:
        """The valid identifiers of a note, each by its form: how many characters, written with
        separators or not. Their values are not kept. Characters are one identifier's only: of two
        valid matches that overlap (an IBAN and the « 0044 … » phone number inside it), the longer."""
        found: list[tuple[int, int, str, IdentifierForm]] = []
        for ident in self.identifiers:
            check = VALIDATORS[ident.validator] if ident.validator else None
            for m in ident.pattern.finditer(text):
                value = ("".join(m.groups()) if m.groups() else ident.strip.sub("", m.group())).upper()
                bare = ident.bare_length is not None and len(value) == ident.bare_length == len(m.group())
                before = max(0, m.start() - ident.window)
                named = ident.cue is not None and ident.cue.search(text, before, m.start())
                if bare and not named:
                    continue
                if check is None or passes(check, value):
                    found.append((m.start(), m.end(), ident.category,
                                  IdentifierForm(length=len(value), separated=len(m.group()) > len(value))))
        taken, kept = bytearray(len(text)), []
        for start, end, category, form in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if not any(taken[start:end]):
                taken[start:end] = b"\x01" * (end - start)
                kept.append((start, category, form))
        result: dict[str, list[IdentifierForm]] = {}
        for _, category, form in sorted(kept, key=lambda k: k[0]):  # in the note's order
            result.setdefault(category, []).append(form)
        return result

    # -- qualifiers ----------------------------------------------------------------------------
    @property
    def qualifiers(self) -> Qualifiers:
        if self._qualifiers is None:
            self._qualifiers = self.settings.pipeline()
        return self._qualifiers

    @property
    def qualifiers_built(self) -> bool:
        return self._qualifiers is not None

    def forget(self) -> None:
        """Drop what the reader remembers of the notes it read (the matched strings behind its
        cues): called at the end of each scan."""
        self.cues.forget()

    def qualify(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Qualify each mention in its sentence, with the edsnlp pipes whose cues occur there only:
        a sentence with no cue of any qualifier states plain facts. (One document per sentence that
        needs it costs less than one per note: most of a note's sentences need none.)"""
        if not mentions:
            return mentions
        quals = self.qualifiers
        from spacy.util import filter_spans

        result: list[Mention] = []
        for start, end in _sentence_spans(text):
            # a `near` mention belongs to the sentence of what is said (its first phrase, « M. », may
            # end a sentence of its own)
            inside = [m for m in mentions if start <= (m.head if m.head >= 0 else m.start) < end]
            if not inside:
                continue
            words = text[start:end]
            # a question asks whether: what its last clause names is no fact (« Voir l'union locale
            # CGT pour le contrat ? »), whatever words end the scope of edsnlp's « ? » before the term
            asked = start + max(map(words.rfind, _CLAUSE_MARKS)) + 1 if words.rstrip().endswith("?") else end
            needed = [name for name, cue in quals.first_words.items() if cue.search(words)]
            if not needed:
                result += inside
                continue
            # a hyphen inside a word (« serait-elle ») is no list dash: no end of scope there
            doc = quals.nlp.make_doc(_INNER_HYPHEN.sub(" ", words))
            if len(doc) < 2:  # a mention alone: no cue beside it
                result += inside
                continue
            # one sentence: spaCy takes the first token as its start once another token says it is
            # none (setting every token costs more than the qualifiers)
            doc[1].is_sent_start = False
            spans = [doc.char_span((m.head if m.head >= 0 else m.start) - start, m.end - start, label=str(i),
                                   alignment_mode="expand") for i, m in enumerate(inside)]
            doc.ents = filter_spans([span for span in spans if span is not None])
            for name in needed:
                doc = quals.pipes[name](doc)
            by_label = {e.label_: e for e in doc.ents}
            ents = [(e.start_char + start, e.end_char + start, e) for e in doc.ents]
            for i, m in enumerate(inside):
                ent = by_label.get(str(i)) or next(
                    (e for s_, e_, e in ents if s_ <= m.start < e_ or m.start <= s_ < m.end), None)
                if ent is None:
                    result.append(m)
                    continue
                q = ent._
                # whom a `near` mention is said of, its first phrase says: a relative's (« sa mère »)
                family = (bool(quals.relative.search(text, m.start, m.said_of)) if m.said_of >= 0
                          else bool(q.family))
                hypothetical = bool(q.hypothesis) or (m.head if m.head >= 0 else m.start) >= asked
                result.append(Mention(m.category, m.start, m.end, bool(q.negation), hypothetical, family,
                                      bool(q.reported_speech)))
        return result

    # -- a note --------------------------------------------------------------------------------
    def read(self, raw: str, patterns: frozenset[str] | None = None) -> NoteReading:
        """What a note reveals; `patterns`, from the engine, says which categories to read it for."""
        text = normalise(raw, self.civilities)
        reading = NoteReading(identifiers=self.identifiers_in(text) if patterns is None or "ids" in patterns
                              else {})
        # no term inside an e-mail or a URL, its hyphens included (« planning.saad@aidadom-nord.fr »)
        text = _ADDRESSES.sub(lambda m: " " * len(m.group()), text)
        text = _WORD_HYPHEN.sub(" ", text)
        if self.no_person is not None and self.no_person.search(text):
            return reading
        if self._collective(text) and not self._names_someone(raw):
            return reading
        wanted = self.name_flags and (patterns is None or patterns & self.name_flags)
        marked = self.mark_first_names(text) if wanted else None
        by_category: dict[str, list[Mention]] = {}
        scopes: dict[int, tuple[str, str]] = {}  # each category's scope, read once for the note
        for m in [*self.qualify(text, self.mentions(text, patterns, marked, scopes)),
                  *self.affirmed_mentions(text, patterns, scopes)]:
            by_category.setdefault(m.category, []).append(m)
        for category, mentions in by_category.items():
            affirmed = [m for m in mentions if m.affirmed]
            if not affirmed:
                if any(m.negated for m in mentions):
                    reading.negated.add(category)
                else:
                    reading.hypothetical.add(category)
                continue
            qualifiers = set()
            if all(m.third_party for m in affirmed):
                qualifiers.add("third_party")
            if any(m.reported for m in affirmed):
                qualifiers.add("reported")
            reading.categories[category] = qualifiers
            first = min(affirmed, key=lambda m: m.start)
            cue = self.cues.cue(category, text[first.start:first.end])
            if cue is not None:
                reading.cues[category] = cue
        return reading

    def mark_first_names(self, text: str) -> _Marked | None:
        """The note with `prenomf` or `prenomm` written before each woman's or man's first name it
        holds (« prenomf lucie »), for the patterns that name one; None when it holds none."""
        if not self._holds_first_name(text, 0, len(text)):
            return None  # most notes: one pass in C, no call per word
        pieces: list[str] = []
        starts: list[int] = []   # where each marker starts, in the marked text
        added: list[int] = []    # characters added before it
        done, extra = 0, 0
        for m in _NAME_WORD.finditer(text):
            word = m.group()
            marker = (FEMALE_NAME if word in self.first_names_female
                      else MALE_NAME if word in self.first_names_male else None)
            if marker is None or self._names_a_place(text, m.start(), m.end()):
                continue
            pieces += [text[done:m.start()], marker, " "]
            starts.append(m.start() + extra)
            added.append(extra)
            extra += len(marker) + 1
            done = m.start()
        pieces.append(text[done:])
        return _Marked("".join(pieces), starts, added)

    def _names_a_place(self, text: str, start: int, end: int) -> bool:
        """Whether the first name at `start:end` is part of a place's or an organisation's name."""
        if self.place_before is not None and self.place_before.search(text, max(0, start - 40), start):
            return True
        return self.organisation_after is not None and self.organisation_after.match(text, end) is not None

    def _collective(self, text: str) -> bool:
        """A note about a group session or the service's news: its first sentence says so (« Réunion
        d'information collective … »); a team meeting planned at the end of a note about a resident is
        a follow-up (« … femme trans, demande … Réunion d'équipe prévue »)."""
        if self.collective is None:
            return False
        found = self.collective.search(text)
        return found is not None and found.start() < next(_sentence_spans(text), (0, len(text)))[1]

    def _names_someone(self, raw: str) -> bool:
        """A note about a meeting, a group or a service that names a person (« Réunion partenariale pour
        Yanis », « synthèse avec Mme … », « le CMP a déménagé ; Mme y est suivie ») is about that
        person."""
        return bool(self.civilities.search(raw) or _BARE_CIVILITY.search(raw)
                    or (self.named is not None and self.named.search(raw)))

    def normalise(self, raw: str) -> str:
        return normalise(raw, self.civilities)

    def read_many(self, notes: Iterable[Candidate | str]) -> list[NoteReading]:
        return [self.read(n) if isinstance(n, str) else self.read(n.raw, n.patterns) for n in notes]


_READERS: dict[str, NoteReader] = {}


def reader_for(lexicon: Lexicon) -> NoteReader:
    """The reader of a lexicon, compiled once per process for the same lexicon (compiling its
    patterns takes about a second; every audit of a process loads the same lexicon again)."""
    key = lexicon.model.model_dump_json()
    reader = _READERS.get(key)
    if reader is None:
        _READERS.clear()  # one lexicon at a time: a process auditing with another drops the old one
        reader = _READERS[key] = NoteReader(lexicon)
    return reader


def read_batch(batch: list[Candidate]) -> list[NoteReading]:
    """For a worker process: read a batch of notes with the worker's reader."""
    assert _WORKER is not None
    return _WORKER.read_many(batch)


_WORKER: NoteReader | None = None


def adopt_reader(reader: NoteReader) -> None:
    """For a forked worker: the parent's reader, already built, is this process's copy. What the
    worker holds at its start lives as long as it does: the collector need not walk it again at each
    of its passes (the parent froze it before forking: `gc.freeze`)."""
    global _WORKER
    _WORKER = reader


def init_worker(lexicon: Lexicon) -> None:
    global _WORKER
    _WORKER = NoteReader(lexicon)
    _WORKER.qualifiers  # noqa: B018 - build the pipeline once per worker, before the first batch
    gc.freeze()  # the reader lives as long as the worker: the collector need not walk it at each pass
