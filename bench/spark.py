"""A local Spark for the benchmark and the Spark test: pyspark's Thrift server (Hive protocol) on the
machine's JDK, `local[2]`, its warehouse and metastore in a directory of its own, and a dataset's
tables loaded into it as Parquet files written by DuckDB.

    python bench/spark.py DIR    # serve the CSV dataset of DIR (bench/dataset.py) until Ctrl-C
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

START_TIMEOUT_S = 180
THRIFT_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


def spark_submit() -> Path | None:
    """pyspark's spark-submit, or None when pyspark or a JDK is missing."""
    try:
        import pyspark
    except ImportError:
        return None
    path = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    return path if path.is_file() and shutil.which("java") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def thrift_server(home: Path) -> Iterator[tuple[str, Any]]:
    """A running Thrift server: (its URL for the auditor, a PyHive connection to load it). Its log is
    `home/thrift.log`; it is stopped, with its JVM, on leaving."""
    from pyhive import hive

    submit = spark_submit()
    if submit is None:
        raise RuntimeError("Spark needs pyspark and a JDK (java on the PATH)")
    port = _free_port()
    env = {**os.environ, "SPARK_HOME": str(submit.parent.parent), "SPARK_LOCAL_IP": "127.0.0.1"}
    log = (home / "thrift.log").open("w")
    server = subprocess.Popen(
        [str(submit), "--class", THRIFT_CLASS, "--master", "local[2]",
         "--conf", f"spark.sql.warehouse.dir={home / 'warehouse'}", "--conf", "spark.ui.enabled=false",
         "--conf", "spark.driver.memory=2g",
         "--hiveconf", f"hive.server2.thrift.port={port}",
         "--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1",
         "spark-internal"],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    quiet = logging.getLogger("thrift.transport.TSocket")  # "Could not connect" while the JVM starts
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                conn = hive.connect(host="127.0.0.1", port=port, username="loader")
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Spark Thrift server did not start: see {home / 'thrift.log'}"
                                       ) from None
                time.sleep(2)
        quiet.setLevel(level)
        try:
            yield f"hive://auditor@127.0.0.1:{port}/default", conn
        finally:
            conn.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def load_tables(conn: Any, duck: duckdb.DuckDBPyConnection, tables: list[str], data: Path,
                schema_sql: str) -> None:
    """Write each DuckDB table of `tables` as a Parquet file under `data`, declare it in Spark, and
    give it the column and table comments of `schema_sql` (PostgreSQL's COMMENT ON, in Spark SQL)."""
    from auditor.sources.statements import split_statements

    cur = conn.cursor()
    for table in tables:
        path = data / f"{table}.parquet"
        duck.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
        cur.execute(f"CREATE TABLE {table} USING parquet LOCATION '{path}'")
    for st in split_statements(schema_sql, "postgres").statements:
        text = st.text.strip()
        column = re.match(r"COMMENT ON COLUMN (\w+)\.(\w+) IS ('(?:[^']|'')*')", text, re.S)
        table_comment = re.match(r"COMMENT ON TABLE (\w+) IS ('(?:[^']|'')*')", text, re.S)
        if column and column.group(1) in tables:
            table, name, comment = column.groups()
            cur.execute(f"ALTER TABLE {table} ALTER COLUMN {name} COMMENT {comment}")
        elif table_comment and table_comment.group(1) in tables:
            cur.execute(f"COMMENT ON TABLE {table_comment.group(1)} IS {table_comment.group(2)}")


def duckdb_tables(schema_sql: str, samples: Path, tables: list[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the schema's tables (transpiled) filled from `samples/<table>.csv`."""
    import sqlglot

    from auditor.sources.statements import split_statements

    duck = duckdb.connect()
    for st in split_statements(schema_sql, "postgres").statements:
        text = st.text.strip()
        if not text.upper().startswith("CREATE TABLE"):
            continue
        sql = sqlglot.transpile(text, read="postgres", write="duckdb")[0]
        sql = re.sub(r"\bINET\b", "VARCHAR(45)", sql).replace(" ON DELETE CASCADE", "")
        duck.execute(sql.replace("BIGSERIAL", "BIGINT").replace("SERIAL", "INTEGER"))
    for table in tables:
        duck.execute(f"COPY {table} FROM '{samples / (table + '.csv')}' (HEADER true)")
    return duck


if __name__ == "__main__":
    import sys

    from bench.dataset import TABLE_ORDER

    directory = Path(sys.argv[1]).resolve()
    with thrift_server(directory) as (url, connection):
        load_tables(connection, duckdb_tables((directory / "schema.sql").read_text(encoding="utf-8"),
                                              directory / "samples", TABLE_ORDER),
                    TABLE_ORDER, directory, (directory / "schema.sql").read_text(encoding="utf-8"))
        print(f"serving {url}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
