from __future__ import annotations

from pathlib import Path

import pytest

from auditor.models.inventory import Inventory
from auditor.sources.ddl_reader import read_ddl

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "social-services"
CORPUS = ROOT.parent / "shared" / "corpus" / "ddl"


@pytest.fixture
def ddl(tmp_path: Path):
    """Read a DDL string with a dialect: ddl("CREATE TABLE …", "mysql") -> Inventory."""

    def read(sql: str, dialect: str = "postgres", name: str = "schema.sql") -> Inventory:
        path = tmp_path / name
        path.write_text(sql, encoding="utf-8")
        return read_ddl([path], dialect)

    return read
