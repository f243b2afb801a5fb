"""One regular expression for many phrases, laid out so that Python's engine tries few of them.

Python's `re` tries the alternatives of `(?:a|b|…)` one after the other at every word boundary of a
note: the cost of a category's pattern grows with its vocabulary. Laid out as a tree of the phrases'
first letters, `(?:(?=a)(?:(?=ab)(?:…)|(?=ac)(?:…))|(?=b)(?:…)|…)`, it tries a phrase only where the
note starts with one of the letters the phrase can start with. Within a branch the phrases keep their
order, and every phrase that can start at a place is in the one branch that place's letters lead to:
every match is the one the plain alternation finds. A phrase whose first letter cannot be told (it
may match nothing, or starts with a wildcard) is tried everywhere, after the others; a branch is split
by its next letter only when every phrase in it says what that letter is.
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
_DEPTH = 3        # letters of the tree
_SPLIT_FROM = 6   # a branch with fewer phrases is tried as it is
_BUDGET = 200     # steps to work out a phrase's first letters; past it they are not known


def prefixes(items: list[Any], length: int) -> set[str] | None:
    """The strings of `length` letters a parsed pattern can start with; None when that is not known
    (the pattern may end sooner, starts with a wildcard, a class of another kind, a look-around or a
    back-reference, or could start with too many)."""
    budget = [_BUDGET]
    found = _prefixes(items, length, budget)
    return None if found is None or len(found) > _MAX_FIRSTS ** length else found


def _prefixes(items: list[Any], length: int, budget: list[int]) -> set[str] | None:
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if length == 0:
        return {""}
    if not items:
        return None  # the pattern may end before `length` letters
    (op, av), rest = items[0], items[1:]
    if op is _c.LITERAL or op is _c.IN:
        letters = _letters(op, av)
        if letters is None:
            return None
        after = _prefixes(rest, length - 1, budget)
        return None if after is None else {a + b for a in letters for b in after}
    if op is _c.SUBPATTERN:
        if av[1] or av[2]:  # flags set or cleared inside
            return None
        return _prefixes(list(av[-1]) + rest, length, budget)
    if op is _c.BRANCH:
        found: set[str] = set()
        for alternative in av[1]:
            inner = _prefixes(list(alternative) + rest, length, budget)
            if inner is None:
                return None
            found |= inner
        return found
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return _repeat_prefixes(op, av, rest, length, budget)
    if op is _c.AT and av is _c.AT_BOUNDARY:  # a word boundary inside a phrase: no letter
        return _prefixes(rest, length, budget)
    return None


def _repeat_prefixes(op: Any, av: Any, rest: list[Any], length: int, budget: list[int]) -> set[str] | None:
    """A repeat: once more then the rest, or (when it may be skipped) the rest."""
    low, high, sub = av
    if high == 0:
        return _prefixes(rest, length, budget)
    once = list(sub) + ([(op, (max(low - 1, 0), high if high is _c.MAXREPEAT else high - 1, sub))]
                        if high is _c.MAXREPEAT or high > 1 else [])
    taken = _prefixes(once + rest, length, budget)
    if taken is None or low >= 1:
        return taken
    skipped = _prefixes(rest, length, budget)
    return None if skipped is None else taken | skipped


def _letters(op: Any, av: Any) -> set[str] | None:
    if op is _c.LITERAL:
        return {chr(av)}
    members: set[str] = set()
    for member, arg in av:
        if member is _c.LITERAL:
            members.add(chr(arg))
        elif member is _c.RANGE:
            members.update(chr(x) for x in range(arg[0], arg[1] + 1))
        else:
            return None
    return members if len(members) <= _MAX_FIRSTS else None


def by_first_letter(fragments: list[str]) -> str:
    """`(?:f1|f2|…)`, laid out as a tree of first letters (see the module's docstring)."""
    starts: list[list[set[str] | None]] = []
    for fragment in fragments:
        try:
            items = list(_p.parse(fragment).data)
        except re.error:
            items = None
        starts.append([None if items is None else prefixes(items, n) for n in range(1, _DEPTH + 1)])
    known = [i for i, s in enumerate(starts) if s[0]]
    parts = _branches(fragments, starts, known, "")
    parts += [f"(?:{fragments[i]})" for i, s in enumerate(starts) if not s[0]]
    return "(?:" + "|".join(parts) + ")"


def _branches(fragments: list[str], starts: list[list[set[str] | None]], members: list[int],
              prefix: str) -> list[str]:
    """The branches for the phrases `members`, which all can start with `prefix`, one per next letter."""
    level = len(prefix)
    groups: dict[str, list[int]] = {}
    for i in members:
        for start in starts[i][level] or ():
            if start.startswith(prefix):
                groups.setdefault(start, []).append(i)
    parts = []
    for start, group in sorted(groups.items()):
        deeper = level + 1 < _DEPTH and len(group) >= _SPLIT_FROM and all(starts[i][level + 1] for i in group)
        inner = (_branches(fragments, starts, group, start) if deeper
                 else [f"(?:{fragments[i]})" for i in group])
        parts.append(f"(?={re.escape(start)})(?:{'|'.join(inner)})")
    return parts
