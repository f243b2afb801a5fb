"""What a report may show of a mention: the lexicon's own words, never the note's.

A finding about notes says which term was found, so that a reader can judge it. The matched text
comes from a note, though, and a report must hold nothing of the audited rows. A term whose pattern
is closed (literal words, alternatives and optional letters: a finite set of strings the lexicon
spells out) can only match strings the lexicon wrote: those are shown as matched. A term with a
wildcard (`\\w*`, `.`, a character range, an unbounded repeat) could match note text: only its
literal beginning is shown, followed by « … ». A terminology name is shown as the terminology
writes it. Built from the lexicon, the cue holds nothing the auditor did not already know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# escaped literals and word boundaries, removed before looking for what makes a pattern open
_HARMLESS = re.compile(r"\\[.\-/()?'\" ]|\\b")
_CLASS = re.compile(r"\[(\^?)((?:\\.|[^\]\\])*)\]")
_RANGE = re.compile(r"[^\\]-.")
# a class shorthand, an unescaped dot or an unbounded repeat (classes already replaced)
_OPEN = re.compile(r"\\[wWsSdD]|[*+.]|\{\d*,")
_PREFIX = re.compile(r"[a-z0-9 ]+")


def is_closed(pattern: str) -> bool:
    """True when the pattern matches only strings spelled out in it (finitely many)."""
    open_class = False

    def literal_class(m: re.Match[str]) -> str:
        nonlocal open_class
        negated, members = m.groups()
        if negated or _RANGE.search(members) or re.search(r"\\[wWsSdD]", members):
            open_class = True
        return "x"

    rest = _CLASS.sub(literal_class, pattern)
    return not open_class and not _OPEN.search(_HARMLESS.sub("", rest))


def literal_prefix(pattern: str) -> str:
    """The literal words a pattern starts with (a letter made optional by `?` is left out)."""
    m = _PREFIX.match(pattern)
    if not m:
        return ""
    prefix = m.group()
    if pattern[m.end():m.end() + 1] == "?":
        prefix = prefix[:-1]
    return prefix.strip()


class CueFinder:
    """The cue of a matched string: itself when a closed term of its category matches it whole,
    else the literal beginning of the open term that does, else None."""

    MAX_CACHE = 20_000

    def __init__(self, terms: Mapping[str, Iterable[str]], names: Iterable[str] = ()) -> None:
        self._terms = {category: [(re.compile(p), is_closed(p), literal_prefix(p)) for p in patterns]
                       for category, patterns in terms.items()}
        self._names = frozenset(names)
        self._cache: dict[tuple[str, str], str | None] = {}

    def cue(self, category: str, matched: str) -> str | None:
        key = (category, matched)
        if key in self._cache:
            return self._cache[key]
        found = self._find(category, matched)
        if len(self._cache) >= self.MAX_CACHE:
            self._cache.clear()
        self._cache[key] = found
        return found

    def forget(self) -> None:
        """Drop the strings matched so far: they are pieces of notes, kept for one scan only."""
        self._cache.clear()

    def _find(self, category: str, matched: str) -> str | None:
        if matched in self._names:
            return matched
        for pattern, closed, prefix in self._terms.get(category, []):
            if pattern.fullmatch(matched):
                if closed:
                    return matched
                return f"{prefix}…" if prefix else None
        return None
