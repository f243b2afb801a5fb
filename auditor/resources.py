"""Locate the built-in rules/ and cnil_profiles/ directories.

In an installed wheel they live inside the package (auditor/_data/…, see pyproject.toml) and
are found with importlib.resources; in a source checkout or an editable install they are the
top-level directories of the repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from auditor.errors import AuditorError


def data_dir(name: str) -> Path:
    """Path of a built-in data directory: 'rules' or 'cnil_profiles'."""
    packaged = resources.files("auditor") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise AuditorError(f"built-in {name}/ directory not found; the installation is incomplete")
