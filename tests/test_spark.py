"""A real local Spark: pyspark's Thrift server (Hive protocol) on Debian's OpenJDK, the example's rows
loaded as Parquet tables, audited with `--db hive://…` and compared with the sample-file audit."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from auditor.sources.database.catalog_spark import imply_keys, table_from_description
from auditor.sources.database.reader import read_database
from bench.spark import duckdb_tables, load_tables, spark_submit, thrift_server
from tests.conftest import EXAMPLE
from tests.test_live_databases import ORDER, SCHEMA, _audit_with, _without_access


@pytest.fixture(scope="module")
def spark_url(tmp_path_factory):
    """A Spark Thrift server with the example's tables (Parquet files written by DuckDB from the
    sample CSVs, with the schema's column and table comments)."""
    if spark_submit() is None:
        pytest.skip("no JDK (java) or no pyspark: .ci/run installs Debian's OpenJDK and the test extras")
    home = tmp_path_factory.mktemp("spark")
    duck = duckdb_tables(SCHEMA, EXAMPLE / "samples", ORDER)
    with thrift_server(home) as (url, conn):
        load_tables(conn, duck, ORDER, home, SCHEMA)
        duck.close()
        yield url


def test_spark_audit_gives_the_sample_file_findings(spark_url, tmp_path):
    """Counts, samples, value detectors, notes and retention pushed down as Spark SQL: the same
    findings, the same rows as the sample files (access aside: Spark holds no database roles);
    only catalogue statements and SELECTs are sent."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if conn.dialect.name == "hive":
            sent.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        files, file_report = _audit_with(tmp_path, "files")
        spark, spark_report = _audit_with(tmp_path, "spark", spark_url)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert _without_access(spark) == _without_access(files)
    assert spark_report["rows_read"] == file_report["rows_read"] == 3012
    assert [e for e in spark_report["errors"] if e["source"] != "config"] == []
    verbs = {re.match(r"\s*\(?\s*(\w+)", s).group(1).upper() for s in sent}
    assert sent and verbs <= {"SELECT", "WITH", "SHOW", "DESCRIBE"}, verbs


def test_spark_inventory_reads_comments_and_implies_keys(spark_url):
    inv = read_database(spark_url)
    tables = {t.name: t for t in inv.tables}
    assert sorted(tables) == sorted(ORDER)
    usager = tables["usager"]
    assert usager.primary_key == ["id"] and usager.comment
    assert next(c for c in usager.columns if c.name == "date_naissance").type == "DATE"
    entretien = tables["entretien"]
    assert [(fk.columns, fk.ref_table, fk.implied) for fk in entretien.foreign_keys] == [
        (["accompagnement_id"], "accompagnement", True)]


def test_a_described_table_and_its_implied_keys():
    """DESCRIBE TABLE EXTENDED as Spark answers it: the columns, then the detail section."""
    from auditor.models.inventory import SourceLocation

    rows = [("id", "int", None), ("usager_id", "int", "who"), ("notes", "string", "free text"),
            ("photo", "binary", None), ("", "", ""), ("# Detailed Table Information", "", ""),
            ("Comment", "Interviews", ""), ("Type", "EXTERNAL", "")]
    entretien = table_from_description(rows, None, "entretien", SourceLocation())
    assert [(c.name, c.type, c.comment, c.opaque) for c in entretien.columns] == [
        ("id", "INT", None, False), ("usager_id", "INT", "who", False), ("notes", "STRING", "free text", False),
        ("photo", "BINARY", None, True)]
    assert (entretien.kind, entretien.comment) == ("table", "Interviews")
    usagers = table_from_description([("id", "bigint", None)], None, "usagers", SourceLocation())
    view = table_from_description([("n", "bigint", None), ("# Detailed Table Information", "", ""),
                                   ("Type", "VIEW", ""), ("View Text", "SELECT 1", "")], None, "v", SourceLocation())
    keyed = {t.name: t for t in imply_keys([entretien, usagers, view])}
    assert [(fk.columns, fk.ref_table) for fk in keyed["entretien"].foreign_keys] == [(["usager_id"], "usagers")]
    assert keyed["entretien"].primary_key == ["id"] and keyed["v"].primary_key == []
    assert (keyed["v"].kind, keyed["v"].view_sql) == ("view", "SELECT 1")
