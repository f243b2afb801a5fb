"""The data-category taxonomy: dotted keys, their parents, sensitivity, start events."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import ProfileError
from auditor.models.profile import (
    Category,
    DpiaCriterion,
    DpiaItem,
    NirUse,
    Sensitivity,
    SharingCondition,
    StartEvent,
    TaxonomyFile,
    Text,
)
from auditor.resources import data_dir
from auditor.yaml_source import load_yaml_file, locate, validate


def did_you_mean(key: str, known: list[str]) -> str:
    """A hint naming the closest known key: the only one `key` begins, else the most similar."""
    starting = [k for k in known if k.startswith(key)]
    close = starting if len(starting) == 1 else difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass
class Taxonomy:
    categories: dict[str, Category]
    data_subjects: dict[str, Text]
    start_events: dict[str, StartEvent] = field(default_factory=dict)
    file: str = ""
    dpia_criteria: dict[str, DpiaCriterion] = field(default_factory=dict)
    dpia_items: dict[str, DpiaItem] = field(default_factory=dict)
    nir_uses: dict[str, NirUse] = field(default_factory=dict)
    sharing_conditions: dict[str, SharingCondition] = field(default_factory=dict)

    def get(self, key: str) -> Category:
        return self.categories[key]

    def ancestors(self, key: str) -> list[str]:
        """The key itself and each of its parents, nearest first: a.b.c, a.b, a."""
        parts = key.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    def covers(self, allowed: str, key: str) -> bool:
        """True if allowing `allowed` allows `key` (same key or one of its descendants): `allowed`
        is one of `ancestors(key)`."""
        return key == allowed or key.startswith(allowed + ".")

    def sensitivity(self, key: str) -> Sensitivity:
        return self.categories[key].sensitivity

    def check_key(self, key: str) -> str | None:
        return _unknown("data category", key, self.categories)

    def check_subject(self, key: str) -> str | None:
        return _unknown("data subject", key, self.data_subjects)

    def start_event_label(self, key: str, lang: str) -> str:
        event = self.start_events.get(key)
        return event.label.get(lang) if event else key

    def check_dpia_item(self, key: str) -> str | None:
        return _unknown("DPIA list item", key, self.dpia_items)

    def check_sharing(self, key: str) -> str | None:
        return _unknown("sharing condition", key, self.sharing_conditions)

    def check_start_event(self, key: str) -> str | None:
        return _unknown("start event", key, self.start_events)


def _unknown(what: str, key: str, known: Mapping[str, object]) -> str | None:
    """None for a known key; else the problem, with the closest known key as a hint."""
    return None if key in known else f"unknown {what} {key!r}" + did_you_mean(key, list(known))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    path = path or data_dir("cnil_profiles") / "taxonomy.yaml"
    raw = load_yaml_file(path, ProfileError)
    model = validate(TaxonomyFile, raw, str(path), ProfileError)
    categories: dict[str, Category] = {}
    for i, cat in enumerate(model.categories):
        line = locate(raw, ("categories", i))
        if cat.key in categories:
            raise ProfileError(f"duplicate category {cat.key!r}", file=str(path), line=line)
        if cat.parent and cat.parent not in categories:
            raise ProfileError(f"category {cat.key!r}: parent {cat.parent!r} must be declared "
                               "before it", file=str(path), line=line)
        categories[cat.key] = cat
    criteria = {c.key: c for c in model.dpia_criteria}
    for i, item in enumerate(model.dpia_items):
        for j, criterion in enumerate(item.criteria):
            if criterion not in criteria:
                hint = did_you_mean(criterion, list(criteria))
                raise ProfileError(f"unknown DPIA criterion {criterion!r}{hint}",
                                   file=str(path), line=locate(raw, ("dpia_items", i, "criteria", j)),
                                   key=f"dpia_items.{i}.criteria.{j}")
    return Taxonomy(categories, {s.key: s.label for s in model.data_subjects},
                    {e.key: e for e in model.start_events}, str(path), criteria,
                    {item.key: item for item in model.dpia_items}, {u.key: u for u in model.nir_uses},
                    {c.key: c for c in model.sharing_conditions})
