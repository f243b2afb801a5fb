"""Generated many-table schemas: the scale case, at any number of tables, the same DDL from the
same seed.

    python bench/schemas.py OUT.sql --tables 5000 [--seed 17]

Each table has ten columns with French names: a key, one or two foreign keys to earlier tables,
and the rest drawn from personal columns (nom, prénom, NIR, téléphone…), the dates the retention
check looks for (date_creation, date_entretien, date_fin…, some in camelCase or with accents) and
plain columns (libellé, statut, montant…). Tables come in chains of 3 to 14 tables, each one
referencing the one before, with a share of cross links to a random earlier table: the foreign-key
paths are long (past the retention check's bound of four joins), they branch, and several dates
are often found at the same distance. Table names are French nouns of social services (dossier,
foyer, allocataire, contrat_insertion…) with a number. The DDL is plain PostgreSQL: it loads into a
server as it is.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

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


def _name(stem: str, i: int) -> str:
    return f"{stem}_{i:05d}"


def schema_ddl(tables: int, seed: int = 17, *, personal: float = 0.35, dated: float = 0.15,
               cross_links: float = 0.25) -> str:
    """CREATE TABLE statements for `tables` tables of ten columns each."""
    rng = random.Random(seed)
    names: list[str] = []
    statements = []
    chain_left = 0
    for i in range(tables):
        name = _name(rng.choice(STEMS), i)
        parents = []
        if chain_left > 0 and names:
            parents.append(names[-1])
            chain_left -= 1
        else:
            chain_left = rng.randint(2, 13)
        if names and rng.random() < cross_links:
            other = names[rng.randrange(len(names))]
            if other not in parents:
                parents.append(other)
        columns = ["id SERIAL PRIMARY KEY"]
        keys = []
        for n, parent in enumerate(parents):
            column = f"{parent.rsplit('_', 1)[0]}_id" if n == 0 else f"{parent}_id"
            if any(c.startswith(column + " ") for c in columns):
                column = f"{parent}_id"
            columns.append(f"{column} INTEGER")
            keys.append(f"FOREIGN KEY ({column}) REFERENCES {parent} (id)")
        used = {c.split(" ", 1)[0] for c in columns}
        while len(columns) < COLUMNS:
            draw = rng.random()
            pool = PERSONAL if draw < personal else DATES if draw < personal + dated else PLAIN
            column = rng.choice(pool)
            if column.split(" ", 1)[0] not in used:
                used.add(column.split(" ", 1)[0])
                columns.append(column)
        body = ",\n    ".join(columns + keys)
        statements.append(f"CREATE TABLE {name} (\n    {body}\n);\n")
        names.append(name)
    return "\n".join(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    args.out.write_text(schema_ddl(args.tables, args.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
