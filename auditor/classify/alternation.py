"""One regular expression for many phrases, laid out so that Python's engine tries few of them.

Python's `re` tries the alternatives of `(?:a|b|…)` one after the other at every word boundary of a
note: the cost of a category's pattern grows with its vocabulary. Laid out by first letter,
`(?:(?=a)(?:…)|(?=b)(?:…)|…)`, it tries a letter's phrases only where that letter starts a word.
The phrases keep their order within a letter, and two phrases that start at one place start with one
letter: every match is the one the plain alternation finds. A phrase whose first letter cannot be
told (it may match nothing, or starts with a wildcard) is tried everywhere, after the others.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

with warnings.catch_warnings():  # deprecated as public modules since 3.11, still the parser `re` uses
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as _c
    import sre_parse as _p

_MAX_FIRSTS = 12  # a phrase that may start with more letters than this is tried everywhere


def first_letters(items: Any) -> set[str] | None:
    """The characters a parsed pattern can start with; None when it can match nothing or starts
    with something other than literals, classes of literals, groups and repeats of them."""
    found: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            return found | {chr(av)}
        if op is _c.IN:
            members: set[str] = set()
            for member, arg in av:
                if member is _c.LITERAL:
                    members.add(chr(arg))
                elif member is _c.RANGE:
                    members.update(chr(x) for x in range(arg[0], arg[1] + 1))
                else:
                    return None
            return found | members
        if op is _c.SUBPATTERN:
            inner = first_letters(av[-1])
            return None if inner is None else found | inner
        if op is _c.BRANCH:
            for alternative in av[1]:
                inner = first_letters(alternative)
                if inner is None:
                    return None
                found |= inner
            return found
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            low, _, sub = av
            inner = first_letters(sub)
            if inner is None:
                return None
            found |= inner
            if low >= 1:
                return found
            continue  # an optional start: what follows may start the match too
        return None
    return None


def by_first_letter(fragments: list[str]) -> str:
    """`(?:f1|f2|…)`, laid out by first letter (see the module's docstring)."""
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for fragment in fragments:
        try:
            letters = first_letters(_p.parse(fragment).data)
        except re.error:
            letters = None
        if not letters or len(letters) > _MAX_FIRSTS:
            rest.append(fragment)
            continue
        for letter in letters:
            groups.setdefault(letter, []).append(fragment)
    parts = [f"(?={re.escape(letter)})(?:{'|'.join(f'(?:{f})' for f in group)})"
             for letter, group in sorted(groups.items())]
    parts += [f"(?:{f})" for f in rest]
    return "(?:" + "|".join(parts) + ")"
