from __future__ import annotations

import csv
import re
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


PERSONAL_COLUMNS = ("nom", "prenom", "nir", "email", "telephone", "iban", "adresse", "iban_beneficiaire",
                    "mot_de_passe", "mot_de_passe_caf", "adresse_ip", "latitude", "date_naissance")


def example_personal_values() -> set[str]:
    """Every personal value of the example's samples: identity, contact, bank, secrets, notes
    (whole, and the identifiers written inside them)."""
    personal: set[str] = set()
    for path in (EXAMPLE / "samples").glob("*.csv"):
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                personal.update(row[k] for k in PERSONAL_COLUMNS if row.get(k))
                if row.get("notes"):
                    personal.add(row["notes"])
                    personal.update(re.findall(r"\d{13,15}", row["notes"]))
    return personal


def leaked(values: set[str], text: str) -> list[str]:
    """The values that appear in `text` as whole tokens."""
    # a plain substring test first: the token regex is compiled only for the few values present
    return [v for v in values if v in text and re.search(rf"(?<![\w@.-]){re.escape(v)}(?![\w@.-])", text)]


@pytest.fixture(scope="session")
def example_reports(tmp_path_factory):
    """The example audited once per language on 2026-12-01: lang -> (HTML text, JSON report)."""
    import json

    from click.testing import CliRunner

    from auditor.cli import main

    out = tmp_path_factory.mktemp("example-reports")
    found = {}
    for lang in ("fr", "en"):
        html, js = out / f"{lang}.html", out / f"{lang}.json"
        result = CliRunner().invoke(main, ["audit", str(EXAMPLE), "--as-of", "2026-12-01", "--lang", lang,
                                           "--html", str(html), "--json", str(js)])
        assert result.exit_code == 1, result.output
        found[lang] = (html.read_text(encoding="utf-8"), json.loads(js.read_text(encoding="utf-8")))
    return found
