"""How the HTML report lays out its findings: by principle, then by the table (or role) they are
about; and their references gathered in one numbered list, each cited by its number."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.models.findings import AuditResult, Finding, Kind, Reference

RefKey = tuple[str, str | None, str | None]


@dataclass
class KindGroup:
    kind: str
    places: list[tuple[str, list[Finding]]] = field(default_factory=list)  # table or role -> findings
    active: int = 0
    waived: int = 0


def _key(ref: Reference) -> RefKey:
    """One reference per text cited: the same label under two links is listed once, with the first."""
    return ref.label, ref.lang, ref.verification


@dataclass
class ReferenceList:
    """Every reference of the findings once, numbered in the order the report first cites them."""

    items: list[Reference] = field(default_factory=list)
    numbers: dict[RefKey, int] = field(default_factory=dict)

    def add(self, ref: Reference) -> None:
        if _key(ref) not in self.numbers:
            self.items.append(ref)
            self.numbers[_key(ref)] = len(self.items)

    def number(self, ref: Reference) -> int:
        return self.numbers[_key(ref)]


def group_findings(result: AuditResult) -> tuple[list[KindGroup], ReferenceList]:
    groups = []
    refs = ReferenceList()
    for kind in Kind:
        items = [f for f in result.findings if f.kind == kind]
        if not items:
            continue
        places: dict[str, list[Finding]] = {}
        for f in items:
            places.setdefault(f.table or f.role or "", []).append(f)
        group = KindGroup(kind.value, list(places.items()), sum(1 for f in items if not f.waived),
                          sum(1 for f in items if f.waived))
        for _, found in group.places:
            for f in found:
                for ref in f.references:
                    refs.add(ref)
        groups.append(group)
    return groups, refs
