"""The catalogue: built-in profiles, then the organisation's own, with `extends` resolved.

An organisation can add a profile (its internal policy), extend a built-in one, or replace a
built-in one by declaring the same id in one of its `profile_dirs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import ProfileError, SourceError
from auditor.models.profile import Profile
from auditor.profiles.composition import merge
from auditor.profiles.loading import load_profile
from auditor.profiles.taxonomy import Taxonomy, did_you_mean, load_taxonomy
from auditor.resources import data_dir
from auditor.sources.text_files import regular_file
from auditor.yaml_source import locate


@dataclass
class Catalogue:
    taxonomy: Taxonomy
    declared: dict[str, Profile] = field(default_factory=dict)   # as written in its file
    profiles: dict[str, Profile] = field(default_factory=dict)   # with `extends` resolved
    files: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def get(self, profile_id: str) -> Profile:
        if profile_id in self.profiles:
            return self.profiles[profile_id]
        raise ProfileError(f"unknown profile {profile_id!r}{did_you_mean(profile_id, list(self.profiles))}; "
                           "'gdpr-audit profiles list' shows the known ones")

    def lineage(self, profile_id: str) -> list[Profile]:
        """The declared profile and, recursively, the profiles it extends (itself first)."""
        seen: list[Profile] = []
        stack = [profile_id]
        while stack:
            pid = stack.pop(0)
            profile = self.declared.get(pid) or self.get(pid)
            if profile not in seen:
                seen.append(profile)
                stack.extend(profile.extends)
        return seen

    def add(self, path: Path) -> Profile:
        profile, raw = load_profile(path, self.taxonomy)
        previous = self.files.get(profile.id)
        if previous and Path(previous).parent == path.parent:
            raise ProfileError(f"profile id {profile.id!r} is also defined in {previous}", file=str(path),
                               line=locate(raw, ("id",)), key="id")
        self.declared[profile.id] = profile
        self.files[profile.id] = str(path)
        self.raw[profile.id] = raw
        return profile

    def resolve_all(self) -> None:
        self.profiles = {}
        for pid in self.declared:
            self._resolve(pid, [])

    def _resolve(self, pid: str, chain: list[str]) -> Profile:
        if pid in self.profiles:
            return self.profiles[pid]
        child = self.declared[pid]
        parents = []
        for i, parent in enumerate(child.extends):
            problem = None
            if parent not in self.declared:
                problem = f"extends unknown profile {parent!r}{did_you_mean(parent, list(self.declared))}"
            elif parent == pid or parent in chain:
                problem = f"extends forms a cycle: {' -> '.join([*chain, pid, parent])}"
            if problem:
                raise ProfileError(problem, file=self.files[pid], line=locate(self.raw[pid], ("extends", i)),
                                   key=f"extends.{i}")
            parents.append(self._resolve(parent, [*chain, pid]))
        resolved = merge(child, parents)
        self._check_retention_purposes(pid, resolved)
        self.profiles[pid] = resolved
        return resolved

    def _check_retention_purposes(self, pid: str, resolved: Profile) -> None:
        known = [p.id for p in resolved.purposes]
        for rule in resolved.retention:
            for purpose in rule.purposes:
                if purpose in known:
                    continue
                owner = next((p.id for p in self.lineage(pid)
                              if any(r.id == rule.id for r in p.retention)), pid)
                index = next(i for i, r in enumerate(self.declared[owner].retention) if r.id == rule.id)
                raise ProfileError(f"retention rule {rule.id!r} names unknown purpose {purpose!r}"
                                   f"{did_you_mean(purpose, known)}", file=self.files[owner],
                                   line=locate(self.raw[owner], ("retention", index, "purposes")),
                                   key=f"retention.{index}.purposes")


def _profile_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise ProfileError("profile directory not found", file=str(directory))
    return [p for p in sorted(directory.glob("*.y*ml")) if p.name != "taxonomy.yaml"]


def load_catalogue(extra_dirs: Iterable[Path] = ()) -> Catalogue:
    """Built-in profiles, then the organisation's own (which may replace a built-in id)."""
    catalogue = Catalogue(load_taxonomy())
    for directory in [data_dir("cnil_profiles"), *extra_dirs]:
        for path in _profile_files(directory):
            catalogue.add(path)
    catalogue.resolve_all()
    return catalogue


def validate_profile_file(path: Path, extra_dirs: Iterable[Path] = ()) -> tuple[Catalogue, Profile]:
    """Check one profile file against the catalogue (for `gdpr-audit profiles validate`)."""
    catalogue = load_catalogue(extra_dirs)
    if not path.exists() and not path.is_symlink():
        raise ProfileError("profile file not found", file=str(path))
    try:
        regular_file(path)  # a directory, a FIFO or a device is refused before it is opened
    except SourceError as err:
        raise ProfileError(err.message, file=str(path)) from None
    resolved_path = path.resolve()
    for pid, file in list(catalogue.files.items()):
        if Path(file).resolve() == resolved_path:   # the file is already part of the catalogue
            del catalogue.declared[pid], catalogue.files[pid], catalogue.raw[pid]
    profile = catalogue.add(path)
    catalogue.resolve_all()
    return catalogue, catalogue.get(profile.id)
