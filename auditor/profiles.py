"""The catalogue: the taxonomy plus every purpose profile, built-in or the organisation's own.

Loading checks what pydantic cannot: that every category a profile names exists in the
taxonomy (with a "did you mean"), that `extends` names a known profile, that ids are unique.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import ProfileError
from auditor.models.profile import Category, Profile, Sensitivity, TaxonomyFile
from auditor.resources import data_dir
from auditor.yaml_source import LineDict, load_yaml_file, locate, validate


@dataclass
class Taxonomy:
    categories: dict[str, Category]
    data_subjects: dict[str, str]
    file: str = ""

    def get(self, key: str) -> Category:
        return self.categories[key]

    def ancestors(self, key: str) -> list[str]:
        """The key itself and each of its parents, nearest first: a.b.c, a.b, a."""
        parts = key.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    def covers(self, allowed: str, key: str) -> bool:
        """True if allowing `allowed` allows `key` (same key or one of its descendants)."""
        return allowed in self.ancestors(key)

    def sensitivity(self, key: str) -> Sensitivity:
        return self.categories[key].sensitivity

    def check_key(self, key: str) -> str | None:
        if key in self.categories:
            return None
        close = difflib.get_close_matches(key, sorted(self.categories), n=1)
        return f"unknown data category {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


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
    return Taxonomy(categories, {s.key: s.label.fr for s in model.data_subjects}, str(path))


@dataclass
class Catalogue:
    taxonomy: Taxonomy
    profiles: dict[str, Profile] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def get(self, profile_id: str) -> Profile:
        if profile_id in self.profiles:
            return self.profiles[profile_id]
        close = difflib.get_close_matches(profile_id, sorted(self.profiles), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ProfileError(f"unknown profile {profile_id!r}{hint}; "
                           "'gdpr-audit profiles list' shows the known ones")

    def lineage(self, profile_id: str) -> list[Profile]:
        """The profile and, recursively, the profiles it extends (itself first)."""
        seen: list[Profile] = []
        stack = [profile_id]
        while stack:
            profile = self.get(stack.pop(0))
            if profile not in seen:
                seen.append(profile)
                stack.extend(profile.extends)
        return seen


def _category_refs(profile: Profile) -> Iterable[tuple[tuple[str | int, ...], str]]:
    for i, purpose in enumerate(profile.purposes):
        for j, key in enumerate(purpose.allowed):
            yield ("purposes", i, "allowed", j), key
        for j, cond in enumerate(purpose.conditional):
            yield ("purposes", i, "conditional", j, "category"), cond.category
        for j, forb in enumerate(purpose.forbidden):
            yield ("purposes", i, "forbidden", j, "category"), forb.category
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


def load_profile(path: Path, taxonomy: Taxonomy) -> Profile:
    raw = load_yaml_file(path, ProfileError)
    profile = validate(Profile, raw, str(path), ProfileError)
    for loc, key in _category_refs(profile):
        problem = taxonomy.check_key(key)
        if problem:
            raise ProfileError(problem, file=str(path), line=locate(raw, loc),
                               key=".".join(str(p) for p in loc))
    for i, subject in enumerate(profile.data_subjects):
        if subject not in taxonomy.data_subjects:
            raise ProfileError(f"unknown data subject {subject!r}", file=str(path),
                               line=locate(raw, ("data_subjects", i)))
    ids = [p.id for p in profile.purposes]
    for i, pid in enumerate(ids):
        if ids.index(pid) != i:
            raise ProfileError(f"duplicate purpose id {pid!r}", file=str(path),
                               line=locate(raw, ("purposes", i, "id")))
    if isinstance(raw, LineDict) and not profile.purposes:
        raise ProfileError("a profile needs at least one purpose", file=str(path), line=raw.line)
    return profile


def load_catalogue(extra_dirs: Iterable[Path] = ()) -> Catalogue:
    """Built-in profiles, then the organisation's own (which may override a built-in id)."""
    taxonomy = load_taxonomy()
    catalogue = Catalogue(taxonomy)
    for directory in [data_dir("cnil_profiles"), *extra_dirs]:
        if not directory.is_dir():
            raise ProfileError("profile directory not found", file=str(directory))
        for path in sorted(directory.glob("*.y*ml")):
            if path.name == "taxonomy.yaml":
                continue
            profile = load_profile(path, taxonomy)
            previous = catalogue.files.get(profile.id)
            if previous and Path(previous).parent == path.parent:
                raise ProfileError(f"profile id {profile.id!r} is also defined in {previous}",
                                   file=str(path))
            catalogue.profiles[profile.id] = profile
            catalogue.files[profile.id] = str(path)
    for pid, profile in catalogue.profiles.items():
        for parent in profile.extends:
            if parent not in catalogue.profiles:
                raise ProfileError(f"extends unknown profile {parent!r}", file=catalogue.files[pid])
    return catalogue
