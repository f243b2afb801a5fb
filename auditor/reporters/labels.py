"""The report's fixed texts (labels.yaml), in the report's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml


@cache
def _all() -> dict[str, dict[str, str]]:
    with open(Path(__file__).with_name("labels.yaml"), encoding="utf-8") as fh:
        data: dict[str, dict[str, str]] = yaml.safe_load(fh)
    return data


def labels(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in _all().items()}
