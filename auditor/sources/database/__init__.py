"""Live databases read through a read-only connection into the same inventory as a DDL file.

`connection.py` opens it (password from an environment variable, never printed; read-only
transaction; statement timeout), `catalog.py` reads tables, views, columns, comments and keys
(SQLAlchemy's inspector, or DuckDB's own catalog), `privileges_postgres.py` and
`privileges_mysql.py` read roles, memberships, grants and row-level-security policies from the
catalogs any login can read, and `reader.py` puts them together.
"""

from auditor.sources.database.reader import read_database

__all__ = ["read_database"]
