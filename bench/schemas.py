"""Generated many-table schemas: the scale case, at any number of tables, the same DDL (and rows)
from the same seed.

    python bench/schemas.py OUT.sql --tables 5000 [--seed 17]

Each table has ten columns with French names: a key, one or two foreign keys to earlier tables,
and the rest drawn from personal columns (nom, prénom, NIR, téléphone…), the dates the retention
check looks for (date_creation, date_entretien, date_fin…, some in camelCase or with accents) and
plain columns (libellé, statut, montant…). Tables come in chains of 3 to 14 tables, each one
referencing the one before, with a share of cross links to a random earlier table: the foreign-key
paths are long (past the retention check's bound of four joins), they branch, and several dates
are often found at the same distance. Table names are French nouns of social services (dossier,
foyer, allocataire, contrat_insertion…) with a number. The DDL is plain PostgreSQL: it loads into a
server as it is. `table_rows` gives each table seeded rows that fit it (valid NIR and IBAN keys,
notes from the labelled sentences of tests/fixtures/free_text_sentences.yaml, foreign keys that
resolve), for a live audit that has rows to count, sample and scan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

STEMS = ("personne", "foyer", "dossier", "allocataire", "contrat_insertion", "orientation", "entretien",
         "rendez_vous", "adresse", "ressource", "prestation", "aide", "suivi", "referent", "structure",
         "action", "decision", "courrier", "piece_jointe", "historique", "situation", "emploi", "formation",
         "sanction", "relance", "commission", "bilan", "questionnaire", "demande", "paiement", "agent",
         "journal_acces")
PERSONAL = ("nom VARCHAR(80)", "prenom VARCHAR(80)", "date_naissance DATE", "nir CHAR(15)",
            "telephone VARCHAR(20)", "email VARCHAR(120)", "adresse VARCHAR(200)", "iban VARCHAR(34)",
            "\"nomNaissance\" VARCHAR(80)", "\"téléphone_portable\" VARCHAR(20)",
            "situation_familiale VARCHAR(40)", "commentaire TEXT")
DATES = ("date_creation TIMESTAMP", "date_entretien DATE", "date_fin DATE", "date_cloture DATE",
         "date_fin_droit DATE", "date_decision DATE", "date_dernier_contact DATE", "date_sortie DATE",
         "\"dateEntretien\" DATE", "\"date_création\" TIMESTAMP", "created TIMESTAMP", "date_paiement DATE")
PLAIN = ("libelle VARCHAR(120)", "statut VARCHAR(20)", "montant NUMERIC(10, 2)", "code VARCHAR(10)",
         "actif BOOLEAN", "rang INTEGER", "modified TIMESTAMP", "\"typeAction\" VARCHAR(30)",
         "observation_code VARCHAR(10)", "numero_ordre INTEGER", "categorie VARCHAR(30)", "version INTEGER")
COLUMNS = 10
_WIDTH = re.compile(r"CHAR\((\d+)\)")
SENTENCES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "free_text_sentences.yaml"


@dataclass
class TableSpec:
    name: str
    columns: list[str] = field(default_factory=list)  # "name TYPE", as written in the DDL
    keys: list[tuple[str, str]] = field(default_factory=list)  # (column, parent table)

    def ddl(self) -> str:
        body = ",\n    ".join(self.columns + [f"FOREIGN KEY ({c}) REFERENCES {p} (id)" for c, p in self.keys])
        return f"CREATE TABLE {self.name} (\n    {body}\n);\n"


def _name(stem: str, i: int) -> str:
    return f"{stem}_{i:05d}"


def schema_tables(tables: int, seed: int = 17, *, personal: float = 0.35, dated: float = 0.15,
                  cross_links: float = 0.25) -> list[TableSpec]:
    """The tables of the generated schema, parents before children."""
    rng = random.Random(seed)
    specs: list[TableSpec] = []
    chain_left = 0
    for i in range(tables):
        spec = TableSpec(_name(rng.choice(STEMS), i))
        parents = []
        if chain_left > 0 and specs:
            parents.append(specs[-1].name)
            chain_left -= 1
        else:
            chain_left = rng.randint(2, 13)
        if specs and rng.random() < cross_links:
            other = specs[rng.randrange(len(specs))].name
            if other not in parents:
                parents.append(other)
        spec.columns.append("id SERIAL PRIMARY KEY")
        for n, parent in enumerate(parents):
            column = f"{parent.rsplit('_', 1)[0]}_id" if n == 0 else f"{parent}_id"
            if any(c.startswith(column + " ") for c in spec.columns):
                column = f"{parent}_id"
            spec.columns.append(f"{column} INTEGER")
            spec.keys.append((column, parent))
        used = {c.split(" ", 1)[0] for c in spec.columns}
        while len(spec.columns) < COLUMNS:
            draw = rng.random()
            pool = PERSONAL if draw < personal else DATES if draw < personal + dated else PLAIN
            column = rng.choice(pool)
            if column.split(" ", 1)[0] not in used:
                used.add(column.split(" ", 1)[0])
                spec.columns.append(column)
        specs.append(spec)
    return specs


def schema_ddl(tables: int, seed: int = 17, **shares: float) -> str:
    """CREATE TABLE statements for `tables` tables of ten columns each."""
    return "\n".join(spec.ddl() for spec in schema_tables(tables, seed, **shares))


# -- seeded rows ------------------------------------------------------------------------------------
_NOMS = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
         "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Le Gall", "Kerjean", "N'Diaye")
_PRENOMS = ("Manon", "Mathis", "Léa", "Hugo", "Chloé", "Lucas", "Inès", "Noah", "Jade", "Louis", "Zoé",
            "Yanis")
_SITUATIONS = ("célibataire", "marié", "pacsé", "divorcé", "veuf", "concubinage")
_WORDS = ("ouvert", "clos", "en cours", "suspendu", "RSA socle", "orientation sociale", "accompagnement",
          "contrat", "relance", "pièce manquante")


def _nir(rng: random.Random) -> str:
    body = (f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}"
            f"{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}")
    return body + f"{97 - int(body) % 97:02d}"


def _iban(rng: random.Random) -> str:
    bban = f"{rng.randint(10000, 99999)}{rng.randint(10000, 99999)}{rng.randint(0, 10**11 - 1):011d}"
    bban += f"{rng.randint(1, 97):02d}"
    digits = int(bban + "152700")  # FR00 moved to the end, letters as numbers (F=15, R=27)
    return f"FR{98 - digits % 97:02d}{bban}"


def _value(column: str, kind: str, rng: random.Random, rows: int, sentences: list[str]) -> str:
    name = column.strip('"')
    if kind.startswith("SERIAL") or name.endswith("_id"):
        return str(rng.randint(1, rows))
    if name in {"nom", "nomNaissance"}:
        return rng.choice(_NOMS)
    if name == "prenom":
        return rng.choice(_PRENOMS)
    if name == "nir":
        return _nir(rng)
    if name in {"telephone", "téléphone_portable"}:
        return f"06{rng.randint(0, 99_999_999):08d}"
    if name == "email":
        return f"usager{rng.randint(1, 99_999)}@mail.example"
    if name == "adresse":
        return f"{rng.randint(1, 120)} rue des Lilas"
    if name == "iban":
        return _iban(rng)
    if name == "situation_familiale":
        return rng.choice(_SITUATIONS)
    if name == "commentaire":
        return rng.choice(sentences)
    if kind.startswith(("DATE", "TIMESTAMP")):
        low = 1940 if name == "date_naissance" else 2012
        start = dt.date(low, 1, 1)
        day = start + dt.timedelta(days=rng.randint(0, (dt.date(2026, 10, 31) - start).days))
        return day.isoformat() + (" 09:00:00" if kind.startswith("TIMESTAMP") else "")
    if kind.startswith(("INTEGER", "NUMERIC")):
        cents = f".{rng.randint(0, 99):02d}" if kind.startswith("NUMERIC") else ""
        return f"{rng.randint(0, 2000)}{cents}"
    if kind.startswith("BOOLEAN"):
        return rng.choice(("true", "false"))
    return rng.choice(_WORDS)


@lru_cache(maxsize=1)
def _sentences() -> list[str]:
    return [text for text, _ in yaml.safe_load(SENTENCES.read_text(encoding="utf-8"))["sentences"]]


def table_rows(spec: TableSpec, rows: int, seed: int = 17) -> Iterator[list[str]]:
    """`rows` rows of one generated table, its columns in DDL order; ids 1…rows, so that a foreign
    key drawn in 1…rows finds its parent (every table gets the same number of rows)."""
    rng = random.Random(f"{seed}:{spec.name}")
    sentences = _sentences()
    columns = [c.split(" ", 1) for c in spec.columns]
    widths = [int(m.group(1)) if (m := _WIDTH.search(kind)) else None for _, kind in columns]
    for i in range(1, rows + 1):
        yield [str(i) if kind.startswith("SERIAL") else _value(name, kind, rng, rows, sentences)[:width]
               for (name, kind), width in zip(columns, widths, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    args.out.write_text(schema_ddl(args.tables, args.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
