"""What differs from one database engine to another, in one place, as data.

The SQL itself is one sqlglot AST per question (counts.py, sampling.py, retention_sql.py,
free_text_scan.py): sqlglot writes it in each engine's dialect (quoting, MD5 for the deterministic
sample, TRY_CAST and GREATEST for dates, regex functions). What is left differs in how the auditor
talks to the engine: the dialect sqlglot writes, whether statements run in transactions, which
schema is implicit, whether tables can be read in parallel, how the statement timeout behaves, where
the catalogue and the grants are read. Each engine is one record below, which the code asks; what
stays written per engine is driver code (connection arguments, the statement timeout's SQL, the
grants' catalogue queries). Trino, Snowflake and BigQuery SQL is checked as text (tests); an engine
not listed is reached through SQLAlchemy with its own name as the dialect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Engine:
    backend: str                 # SQLAlchemy's backend name (the URL's scheme)
    dialect: str                 # the SQL dialect sqlglot writes for it
    catalogue: Literal["sqlalchemy", "duckdb", "spark"] = "sqlalchemy"  # where tables and columns are read
    grants: Literal["postgres", "mysql"] | None = None  # where roles and grants are read, if anywhere
    default_schema: str | None = None   # the implicit schema (tables in it are named without it); None:
                                        # the URL's database
    qualify_default: bool = False       # name the default schema in generated SQL (search_path may differ)
    transactions: bool = True           # False: each statement stands alone (no isolation level to set)
    parallel: bool = True               # tables read by several connections at once
    timeout_per_transaction: bool = False  # a SET timeout lasts until the transaction's end (PostgreSQL)


ENGINES = {e.backend: e for e in (
    Engine("postgresql", "postgres", grants="postgres", default_schema="public", qualify_default=True,
           timeout_per_transaction=True),
    Engine("mysql", "mysql", grants="mysql"),
    Engine("sqlite", "sqlite", default_schema="main", parallel=False),  # one writer lock, no timeout
    Engine("duckdb", "duckdb", catalogue="duckdb", default_schema="main"),
    # a Spark Thrift server, over the Hive protocol: Spark SQL, its own catalogue statements
    Engine("hive", "spark", catalogue="spark", transactions=False),
)}


def engine(backend: str) -> Engine:
    """The record of an engine; an unknown one is read through SQLAlchemy in its own dialect."""
    return ENGINES.get(backend) or Engine(backend, backend)
