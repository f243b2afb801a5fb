"""The report's fixed texts (labels.yaml), in the report's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml


@cache
def _all(file: str) -> dict[str, dict[str, str]]:
    with open(Path(__file__).with_name(file), encoding="utf-8") as fh:
        data: dict[str, dict[str, str]] = yaml.safe_load(fh)
    return data


def labels(lang: str, file: str = "labels.yaml") -> dict[str, str]:
    """The texts of `file` (labels.yaml: the audit report; profile_labels.yaml: profiles)."""
    return {key: texts[lang] for key, texts in _all(file).items()}
