"""Reading one profile file: pydantic validation, then what pydantic cannot check alone (known
categories, subjects and start events, unique ids), each error naming the file, line and key."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from auditor.errors import ProfileError
from auditor.models.profile import Profile
from auditor.profiles.taxonomy import Taxonomy
from auditor.yaml_source import load_yaml_file, locate, validate

Loc = tuple[str | int, ...]


def _category_refs(profile: Profile) -> Iterable[tuple[Loc, str]]:
    for i, purpose in enumerate(profile.purposes):
        for j, key in enumerate(purpose.allowed):
            yield ("purposes", i, "allowed", j), key
        for attr in ("conditional", "forbidden", "granularity"):
            for j, entry in enumerate(getattr(purpose, attr)):
                yield ("purposes", i, attr, j, "category"), entry.category
    for j, forb in enumerate(profile.forbidden):
        yield ("forbidden", j, "category"), forb.category
    for j, rule in enumerate(profile.retention):
        for k, key in enumerate(rule.categories):
            yield ("retention", j, "categories", k), key
    for j, rec in enumerate(profile.recipients):
        for attr in ("read", "write", "deny"):
            for k, key in enumerate(getattr(rec, attr)):
                yield ("recipients", j, attr, k), key
    for j, measure in enumerate(profile.security):
        for k, key in enumerate(measure.categories):
            yield ("security", j, "categories", k), key


def _subject_refs(profile: Profile) -> Iterable[tuple[Loc, str]]:
    for i, subject in enumerate(profile.data_subjects):
        yield ("data_subjects", i), subject
    for j, rule in enumerate(profile.retention):
        for k, subject in enumerate(rule.data_subjects):
            yield ("retention", j, "data_subjects", k), subject


def _duplicates(profile: Profile) -> Iterable[tuple[Loc, str]]:
    for attr in ("purposes", "retention", "recipients", "security"):
        seen: set[str] = set()
        for i, entry in enumerate(getattr(profile, attr)):
            if entry.id in seen:
                yield (attr, i, "id"), f"duplicate {attr} id {entry.id!r}"
            seen.add(entry.id)


def _problems(profile: Profile, taxonomy: Taxonomy) -> Iterable[tuple[Loc, str]]:
    for loc, key in _category_refs(profile):
        yield loc, taxonomy.check_key(key) or ""
    for loc, subject in _subject_refs(profile):
        yield loc, taxonomy.check_subject(subject) or ""
    for j, rule in enumerate(profile.retention):
        yield ("retention", j, "start_event"), taxonomy.check_start_event(rule.start_event) or ""
    for j, condition in enumerate(profile.sharing):
        yield ("sharing", j), taxonomy.check_sharing(condition) or ""
    if profile.dpia is not None:
        for j, item in enumerate(profile.dpia.listed):
            yield ("dpia", "listed", j), taxonomy.check_dpia_item(item) or ""
    yield from _duplicates(profile)
    for i, purpose in enumerate(profile.purposes):
        named = purpose.allowed + [c.category for c in purpose.conditional]
        for j, gran in enumerate(purpose.granularity):
            if gran.category not in named:
                yield (("purposes", i, "granularity", j, "category"),
                       f"granularity of {gran.category!r}: the purpose neither allows it nor allows it "
                       "under a condition")
    if not profile.extends:
        for attr in ("purposes", "data_subjects"):
            if not getattr(profile, attr):
                yield (), f"a profile that extends no other needs `{attr}`"


def check_profile(profile: Profile, raw: Any, taxonomy: Taxonomy, file: str) -> None:
    """Raise a ProfileError for the first reference the taxonomy does not know."""
    for loc, problem in _problems(profile, taxonomy):
        if problem:
            raise ProfileError(problem, file=file, line=locate(raw, loc), key=".".join(str(p) for p in loc))


def load_profile(path: Path, taxonomy: Taxonomy) -> tuple[Profile, Any]:
    """The validated profile and its raw line-numbered tree (for later error locations)."""
    raw = load_yaml_file(path, ProfileError)
    profile = validate(Profile, raw, str(path), ProfileError)
    check_profile(profile, raw, taxonomy, str(path))
    return profile, raw
