"""Opening a live database read-only, and keeping its transactions short.

Every connection the auditor opens refuses writes by construction: on PostgreSQL and MariaDB every
transaction of the session is READ ONLY (set when the session opens) and every statement has a
timeout; SQLite opens the file with `mode=ro`; DuckDB with `read_only=True`. A transaction lasts
one statement: `statement()` ends it (rolled back: nothing was written) as soon as the rows are
read, so the session is never left idle in a transaction while the auditor works in Python; the
catalogue is read on an autocommit connection, one transaction per query. The password comes from
the URL or from an environment variable named in the config, and URLs are only ever shown with the
password masked.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from auditor.errors import SourceError
from auditor.models.inventory import Table
from auditor.sources.database.engines import Engine, engine

APPLICATION_NAME = "gdpr-audit"  # how the auditor's sessions show in pg_stat_activity


@dataclass
class Target:
    url: URL
    backend: str  # sqlite | duckdb | postgresql | mysql | hive (a Spark Thrift server) | other

    @property
    def masked(self) -> str:
        """The URL as shown everywhere: the password and every secret of the query (`password=`,
        `sslpassword=`, tokens, keys) replaced by `***`."""
        return shown_url(self.url)

    @property
    def secrets(self) -> list[str]:
        """The secrets the URL holds, longest first."""
        found = [str(self.url.password)] if self.url.password else []
        found += [v for k, v in _query_items(self.url) if _SECRET_KEY.search(k) and v]
        return sorted(set(found), key=len, reverse=True)

    @property
    def engine(self) -> Engine:
        return engine(self.backend)

    @property
    def default_schema(self) -> str | None:
        return self.engine.default_schema or self.url.database

    def schema_of(self, table: Table) -> str | None:
        """The schema generated SQL names the table in: its own, or the default one where the
        engine needs it named."""
        return table.schema_name or (self.default_schema if self.engine.qualify_default else None)


# query parameters that hold a secret: libpq's password, sslpassword; drivers' tokens and keys
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|key|auth|credential", re.IGNORECASE)


def _query_items(url: URL) -> list[tuple[str, str]]:
    return [(k, v) for k, values in url.query.items()
            for v in ((values,) if isinstance(values, str) else values)]


def shown_url(url: URL) -> str:
    """`url` with its password and its secret query parameters replaced by `***`."""
    query: dict[str, list[str]] = {}
    for key, value in _query_items(url):
        query.setdefault(key, []).append("***" if _SECRET_KEY.search(key) else value)
    return url.set(query=query).render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def secretless_url(url: str) -> str:
    """`url` without its password nor its secret query parameters, for a file a person keeps (the
    password goes in an environment variable: `database.password_env`)."""
    parsed = parse_target(url).url
    query = {k: v for k, v in parsed.query.items() if not _SECRET_KEY.search(k)}
    return parsed._replace(password=None).set(query=query).render_as_string(hide_password=False)


def parse_target(url: str, password_env: str | None = None) -> Target:
    try:
        parsed = make_url(url)
    except Exception:
        raise SourceError("invalid database URL (expected e.g. postgresql+psycopg://user@host/db)") from None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise SourceError(f"environment variable {password_env} (database password) is not set")
        parsed = parsed.set(password=password)
    backend = parsed.get_backend_name()
    backend = {"mariadb": "mysql", "postgres": "postgresql"}.get(backend, backend)
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "mysql" and parsed.drivername in {"mysql", "mariadb"}:
        parsed = parsed.set(drivername="mysql+pymysql")
    return Target(parsed, backend)


def _engine(target: Target, timeout_s: int) -> sa.Engine:
    url = target.url
    connect_args: dict[str, Any] = {}
    if target.backend == "sqlite":
        path = url.database or ""
        if not path or path == ":memory:" or not Path(path).is_file():
            raise SourceError("SQLite database file not found", file=path or None)
        engine = sa.create_engine(
            f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true", poolclass=sa.NullPool
        )
        sa.event.listen(engine, "connect", _sqlite_functions)
        return engine
    if target.backend == "postgresql":
        connect_args = {
            "options": f"-c default_transaction_read_only=on -c statement_timeout={timeout_s * 1000}",
            "connect_timeout": 10,
            "application_name": APPLICATION_NAME,
        }
    elif target.backend == "mysql":
        connect_args = {
            "connect_timeout": 10,
            "read_timeout": timeout_s + 5,
            "init_command": "SET SESSION TRANSACTION READ ONLY",
        }
    return sa.create_engine(url, connect_args=connect_args, poolclass=sa.NullPool)


@contextmanager
def read_only_connection(target: Target, timeout_s: int = 30, *,
                         autocommit: bool = False) -> Iterator[sa.Connection]:
    """A connection that cannot write, with no transaction open; errors name the masked URL, never
    the password. With `autocommit`, each statement is its own (read-only) transaction; without,
    run statements through `statement()`, which ends the transaction it opens."""
    engine = _engine(target, timeout_s)
    try:
        with _open(engine, target) as conn:
            if target.backend == "mysql":
                _mysql_timeout(conn, timeout_s)
                conn.rollback()
            if autocommit and target.engine.transactions:  # else each statement stands alone
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn
            conn.rollback()
    except sa.exc.OperationalError as err:
        raise SourceError(f"cannot connect to {target.masked}: {_connect_reason(err, target)}") from None
    except sa.exc.NoSuchModuleError:
        raise SourceError(f"no driver for {target.url.drivername}: install gdpr-auditor[drivers]") from None
    finally:
        engine.dispose()


def _open(engine: sa.Engine, target: Target) -> sa.Connection:
    """A connection; a driver's own transport error, outside DB-API's (PyHive's thrift socket, SASL),
    is a connection failure named by its class, never by its text."""
    try:
        return engine.connect()
    except sa.exc.SQLAlchemyError:
        raise
    except Exception as err:
        raise SourceError(f"cannot connect to {target.masked}: {type(err).__name__}") from None


def _sqlite_functions(dbapi_conn: Any, _record: Any) -> None:
    """MD5, which the deterministic sample orders by (sampling.py); SQLite has none."""
    def md5(value: object) -> str | None:
        return None if value is None else hashlib.md5(str(value).encode()).hexdigest()

    dbapi_conn.create_function("MD5", 1, md5, deterministic=True)


@contextmanager
def statement(conn: sa.Connection, target: Target, timeout_s: float | None = None) -> Iterator[sa.Connection]:
    """One short transaction around one statement (and the reading of its rows): with `timeout_s`,
    the statement timeout is set for it first (on PostgreSQL, `SET` inside the transaction lasts
    until its end); the transaction is rolled back on leaving, whatever happened."""
    try:
        if timeout_s is not None:
            set_timeout(conn, target, timeout_s)
        yield conn
    finally:
        conn.rollback()


def set_timeout(conn: sa.Connection, target: Target, seconds: float) -> None:
    """The statement timeout for what follows on this connection (PostgreSQL, MariaDB)."""
    if target.backend == "postgresql":
        conn.execute(sa.text(f"SET statement_timeout = {max(1, int(seconds * 1000))}"))
    elif target.backend == "mysql":
        _mysql_timeout(conn, max(1, int(seconds)))


def _mysql_timeout(conn: sa.Connection, timeout_s: int) -> None:
    """MariaDB's max_statement_time (seconds), else MySQL's max_execution_time (ms)."""
    for sql in (
        f"SET SESSION max_statement_time = {timeout_s}",
        f"SET SESSION max_execution_time = {timeout_s * 1000}",
    ):
        try:
            conn.execute(sa.text(sql))
            return
        except sa.exc.SQLAlchemyError:
            conn.rollback()


def _connect_reason(err: BaseException, target: Target) -> str:
    """Why the connection failed. It failed before any row was read, so the driver's first line
    (host refused, unknown database, authentication failed) is kept, with every secret of the URL
    taken out of it."""
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    first = text[0][:200] if text else type(err).__name__
    for secret in target.secrets:
        first = first.replace(secret, "***")
    return first
