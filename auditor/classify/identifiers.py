"""Normalise identifiers and comments so that one vocabulary covers every naming style."""

from __future__ import annotations

import re
import unicodedata

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise_identifier(name: str) -> str:
    """dateNaissance -> date_naissance ; "Téléphone Fixe" -> telephone_fixe ; NIR -> nir.

    >>> normalise_identifier("DtNaissUsager")
    'dt_naiss_usager'
    """
    spaced = _CAMEL.sub("_", strip_accents(name))
    return _NON_WORD.sub("_", spaced.lower()).strip("_")


def normalise_text(text: str) -> str:
    """Lower-case, accent-free text with single spaces, for comment matching."""
    return " ".join(_NON_WORD.sub(" ", strip_accents(text).lower()).split())


def token_pattern(fragments: list[str]) -> re.Pattern[str]:
    """A regex matching any fragment as whole '_'-separated tokens of a normalised identifier."""
    alternatives = "|".join(f"(?:{f})" for f in fragments)
    return re.compile(rf"(?:^|_)(?:{alternatives})(?=_|$)")


def full_pattern(fragments: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{f})" for f in fragments)
    return re.compile(rf"^(?:{alternatives})$")


def prefix_pattern(fragments: list[str]) -> re.Pattern[str]:
    """A regex matching the leading whole tokens of a normalised identifier."""
    alternatives = "|".join(f"(?:{f})" for f in fragments)
    return re.compile(rf"^(?:{alternatives})(?=_|$)")
