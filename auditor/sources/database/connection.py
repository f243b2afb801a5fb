"""Opening a live database read-only.

Every connection the auditor opens refuses writes by construction: PostgreSQL and MariaDB run in
a READ ONLY transaction with a statement timeout; SQLite opens the file with `mode=ro`; DuckDB with
`read_only=True`. The password comes from the URL or from an environment variable named in the
config, and URLs are only ever shown with the password masked.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from auditor.errors import SourceError


@dataclass
class Target:
    url: URL
    backend: str  # sqlite | duckdb | postgresql | mysql | other

    @property
    def masked(self) -> str:
        return self.url.render_as_string(hide_password=True)

    @property
    def default_schema(self) -> str | None:
        return {"postgresql": "public", "sqlite": "main", "duckdb": "main"}.get(
            self.backend, self.url.database
        )


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
        }
    elif target.backend == "mysql":
        connect_args = {
            "connect_timeout": 10,
            "read_timeout": timeout_s + 5,
            "init_command": "SET SESSION TRANSACTION READ ONLY",
        }
    return sa.create_engine(url, connect_args=connect_args, poolclass=sa.NullPool)


@contextmanager
def read_only_connection(target: Target, timeout_s: int = 30) -> Iterator[sa.Connection]:
    """A connection that cannot write; errors name the masked URL, never the password."""
    engine = _engine(target, timeout_s)
    try:
        with engine.connect() as conn:
            if target.backend == "postgresql":
                conn.execute(sa.text("SET TRANSACTION READ ONLY"))
            elif target.backend == "mysql":
                _mysql_timeout(conn, timeout_s)
                conn.execute(sa.text("START TRANSACTION READ ONLY"))
            yield conn
            conn.rollback()
    except sa.exc.OperationalError as err:
        raise SourceError(f"cannot connect to {target.masked}: {_first_line(err)}") from None
    except sa.exc.NoSuchModuleError:
        raise SourceError(f"no driver for {target.url.drivername}: install gdpr-auditor[drivers]") from None
    finally:
        engine.dispose()


def _sqlite_functions(dbapi_conn: Any, _record: Any) -> None:
    """MD5, which the deterministic sample orders by (sampling.py); SQLite has none."""
    def md5(value: object) -> str | None:
        return None if value is None else hashlib.md5(str(value).encode()).hexdigest()

    dbapi_conn.create_function("MD5", 1, md5, deterministic=True)


def set_timeout(conn: sa.Connection, target: Target, seconds: float) -> None:
    """The statement timeout for what follows on this connection (PostgreSQL, MariaDB)."""
    if target.backend == "postgresql":
        conn.execute(sa.text(f"SET statement_timeout = {max(1, int(seconds * 1000))}"))
    elif target.backend == "mysql":
        _mysql_timeout(conn, max(1, int(seconds)))


def restart(conn: sa.Connection, target: Target) -> None:
    """After a failed statement: roll back, and open a new read-only transaction."""
    conn.rollback()
    if target.backend == "postgresql":
        conn.execute(sa.text("SET TRANSACTION READ ONLY"))
    elif target.backend == "mysql":
        conn.execute(sa.text("START TRANSACTION READ ONLY"))


def _mysql_timeout(conn: sa.Connection, timeout_s: int) -> None:
    """MariaDB's max_statement_time (seconds), else MySQL's max_execution_time (ms)."""
    for statement in (
        f"SET SESSION max_statement_time = {timeout_s}",
        f"SET SESSION max_execution_time = {timeout_s * 1000}",
    ):
        try:
            conn.execute(sa.text(statement))
            return
        except sa.exc.SQLAlchemyError:
            conn.rollback()


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__
