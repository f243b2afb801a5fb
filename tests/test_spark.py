"""A real local Spark: pyspark's Thrift server (Hive protocol) on Debian's OpenJDK, the example's rows
loaded as Parquet tables, audited with `--db hive://…` and compared with the sample-file audit."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from auditor.sources.database.catalog_spark import imply_keys, table_from_description
from auditor.sources.database.reader import read_database
from auditor.sources.statements import split_statements
from tests.test_live_databases import ORDER, SCHEMA, _audit_with, _tables_only, _without_access

START_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spark_submit() -> Path | None:
    try:
        import pyspark
    except ImportError:
        return None
    path = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    return path if path.is_file() else None


@pytest.fixture(scope="module")
def spark_url(tmp_path_factory):
    """A Spark Thrift server with the example's tables (Parquet files written by DuckDB from the
    sample CSVs, with the schema's column and table comments)."""
    import duckdb
    from pyhive import hive

    submit = _spark_submit()
    if shutil.which("java") is None or submit is None:
        pytest.skip("no JDK (java) or no pyspark: .ci/run installs Debian's OpenJDK and the test extras")
    home = tmp_path_factory.mktemp("spark")
    data = home / "data"
    data.mkdir()
    con = duckdb.connect()
    for sql in _tables_only("duckdb"):
        if sql.upper().startswith("CREATE TABLE"):
            con.execute(sql)
    example = Path(__file__).parent.parent / "examples" / "social-services" / "samples"
    for table in ORDER:
        con.execute(f"COPY {table} FROM '{example / (table + '.csv')}' (HEADER true)")
        con.execute(f"COPY {table} TO '{data / (table + '.parquet')}' (FORMAT parquet)")
    con.close()
    port = _free_port()
    env = {**os.environ, "SPARK_HOME": str(submit.parent.parent), "SPARK_LOCAL_IP": "127.0.0.1"}
    log = (home / "thrift.log").open("w")
    server = subprocess.Popen(
        [str(submit), "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
         "--master", "local[2]", "--conf", f"spark.sql.warehouse.dir={home / 'warehouse'}",
         "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.memory=1g",
         "--hiveconf", f"hive.server2.thrift.port={port}", "--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1",
         "spark-internal"],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                conn = hive.connect(host="127.0.0.1", port=port, username="loader")
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Spark Thrift server did not start: see {home / 'thrift.log'}")
                time.sleep(2)
        cur = conn.cursor()
        for table in ORDER:
            cur.execute(f"CREATE TABLE {table} USING parquet LOCATION '{data / (table + '.parquet')}'")
        for st in split_statements(SCHEMA, "postgres").statements:  # the schema's comments, in Spark SQL
            text = st.text.strip()
            column = re.match(r"COMMENT ON COLUMN (\w+)\.(\w+) IS ('(?:[^']|'')*')", text, re.S)
            table_comment = re.match(r"COMMENT ON TABLE (\w+) IS ('(?:[^']|'')*')", text, re.S)
            if column and column.group(1) in ORDER:
                cur.execute(f"ALTER TABLE {column.group(1)} ALTER COLUMN {column.group(2)} COMMENT {column.group(3)}")
            elif table_comment and table_comment.group(1) in ORDER:
                cur.execute(f"COMMENT ON TABLE {table_comment.group(1)} IS {table_comment.group(2)}")
        conn.close()
        yield f"hive://auditor@127.0.0.1:{port}/default"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


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
