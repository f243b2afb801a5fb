"""`extends`: a profile starts from its parents and replaces what it declares again.

Purposes, retention rules, recipients and security measures are matched by `id`, forbidden
categories by `category`; an entry the child declares again replaces the parent's in place, new
ones are appended. Data subjects, exclusions and sharing conditions are the union; the DPIA
statement and the archives status are the child's if it has one, else the first parent's. Title,
source and scope are always the child's own: a DPO reading an internal policy sees it as such,
with the parent named in `extends`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from auditor.models.profile import Profile

T = TypeVar("T")


def _merge_keyed(parents: Sequence[Sequence[T]], child: Sequence[T], key: Callable[[T], str]) -> list[T]:
    merged: dict[str, T] = {}
    for entries in [*parents, child]:
        for entry in entries:
            merged[key(entry)] = entry  # a later declaration replaces an earlier one in place
    return list(merged.values())


def _union(lists: Sequence[Sequence[Any]]) -> list[Any]:
    out: list[Any] = []
    for items in lists:
        out.extend(i for i in items if i not in out)
    return out


def merge(child: Profile, parents: Sequence[Profile]) -> Profile:
    """The effective profile: `parents` (already resolved, in `extends` order), then `child`."""
    if not parents:
        return child

    def by_id(attr: str) -> list[Any]:
        return _merge_keyed([getattr(p, attr) for p in parents], getattr(child, attr),
                            lambda e: str(e.id))

    dpia = child.dpia or next((p.dpia for p in parents if p.dpia), None)
    archives = child.archives or next((p.archives for p in parents if p.archives), None)
    return child.model_copy(update={
        "data_subjects": _union([*(p.data_subjects for p in parents), child.data_subjects]),
        "excluded": _union([*(p.excluded for p in parents), child.excluded]),
        "sharing": _union([*(p.sharing for p in parents), child.sharing]),
        "dpia": dpia,
        "archives": archives,
        "purposes": by_id("purposes"),
        "retention": by_id("retention"),
        "recipients": by_id("recipients"),
        "security": by_id("security"),
        "forbidden": _merge_keyed([p.forbidden for p in parents], child.forbidden,
                                  lambda f: f.category),
    })
