"""A seeded social-services dataset at any size, shaped like examples/social-services.

    python bench/dataset.py OUT_DIR --rows 1000000 [--seed 7] [--sensitive 0.2] [--parquet]
                                    [--postgres postgresql://postgres@127.0.0.1:5432/gdpr_bench]

The largest table, `entretien`, gets `--rows` notes; `usager`, `accompagnement` and `membre_foyer`
a quarter of that, `aide_financiere` and `journal_acces` a tenth; `agent` and `export_statistique`
keep the example's size. Rows are the example's sample rows (fake people, valid NIR and IBAN keys)
repeated under new ids, with foreign keys remapped, built inside DuckDB. Each note is one labelled
sentence of tests/fixtures/free_text_sentences.yaml: a share `--sensitive` of them carry a
sensitive category, the others are negatives (negations, neutral wording, surnames); the truth is
written to `labels.csv` (note id, categories). OUT_DIR receives schema.sql, gdpr-audit.yml and
samples/, ready for `gdpr-audit audit OUT_DIR`. With --postgres, the same rows are then loaded
into that PostgreSQL database (created when missing): the example's schema, roles and grants, then
each table by COPY; OUT_DIR/gdpr-audit-live.yml is the same configuration pointed at that database
instead of the files: `gdpr-audit audit --config OUT_DIR/gdpr-audit-live.yml` audits them live.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from pathlib import Path
from typing import Any

import duckdb
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "social-services"
SENTENCES = ROOT / "tests" / "fixtures" / "free_text_sentences.yaml"
FKS = {  # table -> (column, parent table)
    "membre_foyer": [("usager_id", "usager")],
    "accompagnement": [("usager_id", "usager"), ("agent_id", "agent")],
    "entretien": [("accompagnement_id", "accompagnement")],
    "aide_financiere": [("usager_id", "usager")],
    "journal_acces": [("agent_id", "agent"), ("usager_id", "usager")],
}

UNIQUE = {  # (table, column) -> a value unique per new row, in the example's format
    ("usager", "numero_dossier"):
        "'D' || substr(e.numero_dossier, 2, 4) || '-' || lpad(CAST(r.range + 1 AS VARCHAR), 8, '0')",
}


def sizes(rows: int) -> dict[str, int]:
    quarter, tenth = max(rows // 4, 1), max(rows // 10, 1)
    return {"agent": 0, "export_statistique": 0, "usager": quarter, "accompagnement": quarter,
            "membre_foyer": quarter, "entretien": rows, "aide_financiere": tenth, "journal_acces": tenth}


def _sentences() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    data = yaml.safe_load(SENTENCES.read_text(encoding="utf-8"))["sentences"]
    positive = [(text, ";".join(cats)) for text, cats in data if cats]
    negative = [(text, "") for text, cats in data if not cats]
    return positive, negative


def generate(out: Path, rows: int, seed: int = 7, sensitive: float = 0.2,
             parquet: bool = False) -> dict[str, int]:
    """Write the dataset; return the row count of each table."""
    samples = out / "samples"
    samples.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "schema.sql", out / "schema.sql")
    config = yaml.safe_load((EXAMPLE / "gdpr-audit.yml").read_text(encoding="utf-8"))
    config["report"] = {"html": "report.html", "json": "report.json", "lang": "fr"}
    (out / "gdpr-audit.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    con = duckdb.connect()
    counts: dict[str, int] = {}
    for table, n in sizes(rows).items():
        con.execute(f"CREATE TABLE ex_{table} AS SELECT * FROM read_csv('{EXAMPLE / 'samples' / table}.csv', "
                    "header=true, all_varchar=true)")
        base = con.execute(f"SELECT count(*) FROM ex_{table}").fetchone()[0]
        counts[table] = n or base
    positive, negative = _sentences()
    con.execute("CREATE TABLE pos (i INTEGER, t VARCHAR, c VARCHAR)")
    con.executemany("INSERT INTO pos VALUES (?, ?, ?)", [(i, t, c) for i, (t, c) in enumerate(positive)])
    con.execute("CREATE TABLE neg (i INTEGER, t VARCHAR, c VARCHAR)")
    con.executemany("INSERT INTO neg VALUES (?, ?, ?)", [(i, t, c) for i, (t, c) in enumerate(negative)])
    salt = int(hashlib.sha256(str(seed).encode()).hexdigest()[:8], 16)
    for table, n in counts.items():
        columns = [d[0] for d in con.execute(f"SELECT * FROM ex_{table} LIMIT 0").description]
        base = con.execute(f"SELECT count(*) FROM ex_{table}").fetchone()[0]
        select = []
        for col in columns:
            parent = next((p for c, p in FKS.get(table, []) if c == col), None)
            if col == "id":
                select.append("CAST(r.range + 1 AS VARCHAR) AS id")
            elif parent is not None:  # any row of the (grown) parent, deterministically
                pick = f"hash(r.range, {salt}, '{col}') % {counts[parent]} + 1"
                select.append(f"CAST({pick} AS VARCHAR) AS {col}")
            elif (table, col) in UNIQUE:
                select.append(f"{UNIQUE[table, col]} AS {col}")
            elif table == "entretien" and col == "notes":
                select.append("note.t AS notes")
            else:
                select.append(f"e.{col}")
        note_join = ""
        if table == "entretien":
            share = f"hash(r2.range, {salt}) % 1000 < {int(sensitive * 1000)}"
            note_join = (f"JOIN (SELECT r2.range AS k, CASE WHEN {share} THEN p.t ELSE q.t END AS t, "
                         f"CASE WHEN {share} THEN p.c ELSE q.c END AS c FROM range({n}) r2 "
                         f"JOIN pos p ON p.i = hash(r2.range, {salt}, 'p') % {len(positive)} "
                         f"JOIN neg q ON q.i = hash(r2.range, {salt}, 'n') % {len(negative)}) note "
                         "ON note.k = r.range")
        con.execute(f"CREATE TABLE out_{table} AS SELECT {', '.join(select)} FROM range({n}) r "
                    f"JOIN (SELECT *, row_number() OVER () - 1 AS k FROM ex_{table}) e "
                    f"ON e.k = r.range % {base} "
                    f"{note_join} ORDER BY r.range")
        fmt = "(FORMAT parquet)" if parquet else "(HEADER)"
        con.execute(f"COPY out_{table} TO '{samples / table}.{'parquet' if parquet else 'csv'}' {fmt}")
        if table == "entretien":
            con.execute(f"COPY (SELECT r.range + 1 AS id, note.c AS categories FROM range({n}) r "
                        f"{note_join}) TO '{out / 'labels.csv'}' (HEADER)")
    con.close()
    return counts


LIVE_CONFIG = "gdpr-audit-live.yml"
TABLE_ORDER = ["agent", "usager", "membre_foyer", "accompagnement", "entretien", "aide_financiere",
               "export_statistique", "journal_acces"]  # parents before children


def _server(url: str) -> tuple[Any, str]:
    """The parsed URL, and the libpq connection string of its server (no database named)."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    dsn = f"host={target.host or '127.0.0.1'} port={target.port or 5432} user={target.username or 'postgres'}"
    return target, dsn


def load_postgres(out: Path, url: str) -> dict[str, int]:
    """Load a generated dataset (CSV) into PostgreSQL; return the rows of each table.

    The database is created when missing and its tables replaced. Roles are global to the cluster:
    one that already exists is kept."""
    import psycopg

    from auditor.sources.statements import split_statements

    target, dsn = _server(url)
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.database]).fetchone()
        if exists is None:
            admin.execute(f'CREATE DATABASE "{target.database}"')
    counts: dict[str, int] = {}
    with psycopg.connect(f"{dsn} dbname={target.database}", autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        for stmt in split_statements((out / "schema.sql").read_text(encoding="utf-8"), "postgres").statements:
            try:
                conn.execute(stmt.text)  # type: ignore[call-overload]  # our own example schema
            except psycopg.errors.DuplicateObject:  # CREATE ROLE of an earlier load
                continue
        for table in TABLE_ORDER:
            path = out / "samples" / f"{table}.csv"
            with path.open(encoding="utf-8") as fh:
                header = fh.readline().strip()
            with conn.cursor() as cur, path.open("rb") as fh:
                with cur.copy(f"COPY {table} ({header}) FROM STDIN (FORMAT csv, HEADER true)") as copy:
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)
                counts[table] = cur.rowcount
        conn.execute("ANALYZE")
    write_live_config(out, url, LIVE_CONFIG, "live")
    return counts


def write_live_config(out: Path, url: str, name: str, reports: str) -> None:
    """The dataset's configuration audited in a database (`url`) instead of its files, written as
    `name`, its reports named `reports`.html and .json."""
    config = yaml.safe_load((out / "gdpr-audit.yml").read_text(encoding="utf-8"))
    for key in ("schema", "data"):
        config.pop(key, None)
    config["database"] = {"url": url}
    config["report"] = {"html": f"{reports}.html", "json": f"{reports}.json", "lang": "fr"}
    (out / name).write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def drop_postgres(url: str) -> None:
    """Drop the benchmark's database: its grants would keep the example's roles, global to the
    cluster, from being dropped by the live-database tests."""
    import psycopg

    target, dsn = _server(url)
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sensitive", type=float, default=0.2)
    parser.add_argument("--parquet", action="store_true")
    parser.add_argument("--postgres", metavar="URL", help="Then load the rows into this PostgreSQL database")
    args = parser.parse_args()
    counts = generate(args.out, args.rows, args.seed, args.sensitive, args.parquet)
    print(", ".join(f"{t}: {n:,}" for t, n in counts.items()))
    if args.postgres:
        if args.parquet:
            parser.error("--postgres loads the CSV files: leave out --parquet")
        loaded = load_postgres(args.out, args.postgres)
        print("loaded into PostgreSQL: " + ", ".join(f"{t}: {n:,}" for t, n in loaded.items()))


if __name__ == "__main__":
    main()
