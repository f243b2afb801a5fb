"""Read an identifier as words: split, normalised, abbreviations and compounds resolved.

`dtNaissUsager`, `DT_NAIS`, `date_de_naissance` and `birthDate` all read as the lemmas
`date birth (user)`: the name is split on case changes, digits and punctuation; accents and
case are dropped; each piece is looked up in the lexicon (`rules/classification/lexicon.yaml`),
which maps French and English words, their plurals and the abbreviations of the field to one
lemma; a piece the lexicon does not know is split into known words when it can be covered
whole (`nomjf` -> nom + jf, `datenaissance` -> date + naissance), and a piece that starts one
known word only (`naiss`, `adr`) reads as that word. Multi-word forms (`first name`,
`nom de jeune fille`) become one lemma. How each word was read is kept, so that the reasons of
a classification can say it (`dtnai`: `dt` abbreviation of date, `nai` start of naissance).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_DIGITS = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
MIN_PREFIX = 3      # shortest piece read as the start of a known word
MIN_SPLIT = 4       # shortest unknown piece tried as a compound
MIN_WHOLE_PREFIX = 4  # a whole piece read as the start of a longer word: `naiss`, `adres`
MAX_WHOLE_PREFIX = 5  # (not `sis`, not `custom`)


_ACCENTS = str.maketrans("àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ", "aaaaaaceeeeiiiinooooouuuuyyoa")


@cache
def general_words() -> frozenset[str]:
    """Common French and English words (pyspellchecker's frequency lists), lower-case and without
    accents. A piece that is a word of the language is never split into abbreviations
    (`journee` is not `jour` + `nee`, `charges` is not `char` + `ges`). Loaded once, on first need."""
    try:
        from spellchecker import SpellChecker
    except ImportError:  # pragma: no cover - a dependency; without it compounds are split more eagerly
        return frozenset()
    counts = SpellChecker(language=["fr", "en"], case_sensitive=False).word_frequency.dictionary
    return frozenset(w.translate(_ACCENTS) for w, n in counts.items()
                     if n >= 5 and len(w) >= 4 and w.isalpha())


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def split_identifier(name: str) -> list[str]:
    """Raw lower-case pieces of an identifier, split on case changes, digits and punctuation.

    >>> split_identifier("DtNaissUsager2")
    ['dt', 'naiss', 'usager', '2']
    """
    text = _DIGITS.sub(" ", _CAMEL.sub(" ", strip_accents(name)))
    return [p for p in _NON_WORD.split(text.lower()) if p]


@dataclass(frozen=True)
class Word:
    """One word of a name: the piece as written, the lemma it reads as, and how it was read."""

    text: str
    lemma: str
    how: str  # word | plural | abbreviation | prefix | phrase | number | unknown

    @property
    def known(self) -> bool:
        return self.how not in {"unknown", "number"}


@dataclass(frozen=True)
class Reading:
    """What a name says: its words, without stop words, in order."""

    words: tuple[Word, ...]

    @property
    def lemmas(self) -> tuple[str, ...]:
        return tuple(w.lemma for w in self.words if w.how != "number")

    @property
    def lemma_set(self) -> frozenset[str]:
        return frozenset(self.lemmas)

    def explain(self, lemmas: frozenset[str] | set[str]) -> list[str]:
        """How the words giving these lemmas were read: `dt=date`, `naiss…=birth`."""
        out = []
        for w in self.words:
            if w.lemma not in lemmas:
                continue
            if w.how == "prefix":
                out.append(f"{w.text}…={w.lemma}")
            elif w.text != w.lemma:
                out.append(f"{w.text}={w.lemma}")
            else:
                out.append(w.text)
        return out


@dataclass
class Lexicon:
    """Variants -> lemma, abbreviations, stop words, phrases, and the known words used to split
    compounds and to resolve prefixes."""

    variants: dict[str, str]                 # normalised word -> lemma (the lemma maps to itself)
    abbreviations: dict[str, str]            # short forms of the field -> lemma (whole pieces only)
    stopwords: frozenset[str]
    phrases: dict[tuple[str, ...], str]      # lemma sequence -> one lemma
    neutral: frozenset[str] = frozenset()    # known words that mean nothing personal
    prose_stopwords: frozenset[str] = frozenset()  # function words of a sentence, dropped from comments
    flag_prefixes: tuple[str, ...] = ()  # glued before a name, a yes/no flag's word (`topenfreconn`)
    dictionary: Callable[[], frozenset[str]] = general_words  # words of the language, never split
    _prefixes: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _singular: dict[str, str] = field(default_factory=dict, repr=False)
    _cache: dict[str, Reading] = field(default_factory=dict, repr=False)
    _longest_phrase: int = 1

    def __post_init__(self) -> None:
        # a neutral word listed with its plural (`service`, `services`; `type`, `types`) reads as
        # the singular, so that the groups written in singulars hold the plural too
        for word in self.neutral:
            stem = _stem(word, lambda w: w in self.neutral)
            if stem is not None:
                self._singular[word] = stem
        index: dict[str, set[str]] = {}
        for word, lemma in [*self.variants.items(), *((w, self._singular.get(w, w)) for w in self.neutral)]:
            for k in range(MIN_PREFIX, len(word)):
                index.setdefault(word[:k], set()).add(lemma)
        self._prefixes = {p: frozenset(lemmas) for p, lemmas in index.items()}
        self._longest_phrase = max((len(p) for p in self.phrases), default=1)

    def lemmas(self) -> frozenset[str]:
        return lexicon_lemmas(self)

    def singular(self, word: str) -> str | None:
        """The singular a neutral word listed with its plural reads as (`services` -> service)."""
        return self._singular.get(word)

    # -- one piece ---------------------------------------------------------------------------
    def _known(self, piece: str) -> Word | None:
        """A piece the lexicon knows whole: a word, a plural, an abbreviation or a stop word."""
        if piece in self.stopwords:
            return Word(piece, piece, "stop")
        if piece in self.variants:
            return Word(piece, self.variants[piece], "word")
        if piece in self.abbreviations:
            return Word(piece, self.abbreviations[piece], "abbreviation")
        if piece in self.neutral:
            return Word(piece, self._singular.get(piece, piece), "word")
        stem = _stem(piece, lambda w: w in self.variants or w in self.neutral)
        if stem is not None:
            return Word(piece, self.variants.get(stem, stem), "plural")
        return None

    def _prefix(self, piece: str) -> Word | None:
        lemmas = self._prefixes.get(piece) if len(piece) >= MIN_PREFIX else None
        if lemmas is not None and len(lemmas) == 1:
            return Word(piece, next(iter(lemmas)), "prefix")
        return None

    def _split(self, piece: str, unknown: bool = False) -> list[Word] | None:
        """The cheapest cover of `piece` by known pieces: lexicon words and abbreviations cost 1,
        words of the language 1.2, stop words 1.3; at least two pieces, one of them not a stop
        word. None if no cover exists. A piece is never guessed from the start of a word here:
        inside a compound that reads `changement` as `change` + `ment(al)`.

        `unknown`: the cover may also hold pieces the lexicon does not know, at 1 + one per letter
        (`mtsolcre` -> mt + sol? + cre, `commissionseps` -> commissions + eps?): a known piece is
        only taken out of an unknown word when it saves letters, so a two-letter abbreviation is
        read at the start or the end of a compound, or between known words, never in the middle of
        an unknown one (`carpentier` stays whole, without a `pe`)."""
        n = len(piece)
        best: list[tuple[float, list[Word]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        words = self.dictionary()
        for end in range(1, n + 1):
            for start in range(max(0, end - 24), end):
                head = best[start]
                if head is None:
                    continue
                sub = piece[start:end]
                word = self._known(sub) if len(sub) >= 2 else None
                cost = 1.3 if word is not None and word.how == "stop" else 1.0
                if word is None and len(sub) >= MIN_SPLIT and sub in words:
                    word, cost = Word(sub, sub, "word"), 1.2
                if word is None and unknown and not (head[1] and head[1][-1].how == "unknown"):
                    word, cost = Word(sub, sub, "unknown"), 1.0 + len(sub)
                if word is None:
                    continue
                candidate = (head[0] + cost, [*head[1], word])
                current = best[end]
                # on a tie, the cover with the longer word (`track` + `id`, not `trac` + `kid`)
                if current is None or candidate[0] < current[0] or (
                        candidate[0] == current[0] and _longest(candidate[1]) > _longest(current[1])):
                    best[end] = candidate
        result = best[n]
        if result is None or len(result[1]) < 2 or all(w.how in {"stop", "unknown"} for w in result[1]):
            return None
        return result[1]

    def _piece(self, piece: str) -> list[Word]:
        parts = self._plain_piece(piece)
        if parts[0].how == "stop":
            for flag in self.flag_prefixes:
                # a flag's word glued before what it says is read first when the piece would otherwise
                # start with a stop word (`topdomideract`: top + domi… + der + act, not « to » + pdo + …;
                # `topicid` stays topic + id)
                if piece.startswith(flag) and len(piece) >= len(flag) + MIN_SPLIT:
                    rest = self._piece(piece[len(flag):])
                    return [Word(flag, self.variants.get(flag, flag), "word"), *rest]
        return parts

    def _plain_piece(self, piece: str) -> list[Word]:
        if piece.isdigit():
            return [Word(piece, piece, "number")]
        word = self._known(piece)
        if word is not None:
            return [word]
        if piece in self.dictionary():
            return [Word(piece, piece, "word")]
        if len(piece) >= MIN_SPLIT:
            parts = self._split(piece)
            if parts is not None:
                return parts
        word = self._prefix(piece) if MIN_WHOLE_PREFIX <= len(piece) <= MAX_WHOLE_PREFIX else None
        if word is not None:
            return [word]
        if len(piece) >= MIN_SPLIT:
            parts = self._split(piece, unknown=True)
            if parts is not None:
                return parts
        return [Word(piece, piece, "unknown")]

    # -- a whole name ------------------------------------------------------------------------
    def read(self, name: str) -> Reading:
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        words = [w for piece in split_identifier(name) for w in self._piece(piece)]
        # numbers do not interrupt a phrase (`liblig2adr`: line 2 of the address)
        numbers = [w for w in words if w.how == "number"]
        words = [w for w in words if w.how not in {"stop", "number"}]
        reading = Reading((*self._phrases(words), *numbers))
        self._cache[name] = reading
        return reading

    def read_text(self, text: str) -> Reading:
        """A comment or a label read word by word (no compound splitting of long prose)."""
        words = []
        for piece in split_identifier(text):
            if piece in self.prose_stopwords:
                continue
            word = self._known(piece) or (Word(piece, piece, "number") if piece.isdigit() else None)
            words.append(word or Word(piece, piece, "unknown"))
        return Reading(tuple(self._phrases([w for w in words if w.how != "stop"])))

    def _phrases(self, words: list[Word]) -> list[Word]:
        out: list[Word] = []
        i = 0
        while i < len(words):
            for size in range(min(self._longest_phrase, len(words) - i), 1, -1):
                key = tuple(w.lemma for w in words[i:i + size])
                lemma = self.phrases.get(key)
                if lemma is not None:
                    out.append(Word("_".join(w.text for w in words[i:i + size]), lemma, "phrase"))
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out


def _longest(words: list[Word]) -> int:
    return max((len(w.text) for w in words), default=0)


_PLURALS = (("ies", "y"), ("aux", "al"), ("s", ""), ("x", ""), ("es", ""))
# French feminines, accents stripped (`patiente`, `usagere`, `demandeuse`, `directrice`, `mariee`)
# the final -e is only taken off the endings of French feminines (`-ante`, `-ale`, `-ine`, `-ise`,
# `-ite`, `-ue`…): an English `range` is no `rang`, and `partie` (a part) is no `parti` (a party)
_FEMININES = (("trice", "teur"), ("euse", "eur"), ("iere", "ier"), ("ere", "er"), ("ive", "if"),
              ("ienne", "ien"), ("elle", "el"), ("onne", "on"), ("ette", "et"), ("ee", "e"),
              *((f"{end}e", end) for end in ("ant", "ent", "al", "in", "ain", "un", "is", "ais", "ois", "it",
                                              "u", "ard", "aud", "ot")))


def _stem(word: str, known: Callable[[str], bool]) -> str | None:
    """The masculine singular of a regular plural or feminine when it is known (-s, -x, -es,
    -aux -> -al, -ies -> -y; -e, -ee -> -e, -ere -> -er, -euse -> -eur, -trice -> -teur…)."""
    for ending, replacement in _PLURALS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)] + replacement
            if known(stem):
                return stem
    singulars = [word] + [word[:-1] for end in ("s",) if word.endswith(end) and len(word) > 4]
    for singular in singulars:
        for ending, replacement in _FEMININES:
            if singular.endswith(ending) and len(singular) - len(ending) + len(replacement) >= 4:
                stem = singular[: -len(ending)] + replacement
                if known(stem):
                    return stem
    return None


def lexicon_lemmas(lexicon: Lexicon) -> frozenset[str]:
    """Every lemma a reading can produce: words, abbreviations, phrases, neutral words."""
    return frozenset([*lexicon.variants.values(), *lexicon.abbreviations.values(), *lexicon.phrases.values(),
                      *lexicon.neutral])
