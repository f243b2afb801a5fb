"""The Python driver a database URL needs, checked before the first connection.

The drivers are optional (`pip install 'gdpr-auditor[postgres]'`, `[mysql]`, or `[drivers]` for
both: pyproject.toml). Without this check a missing driver surfaced as SQLAlchemy's import of it, a
bare ModuleNotFoundError; here it is a message that names the extra to install.
"""

from __future__ import annotations

import sqlalchemy as sa

from auditor.errors import SourceError
from auditor.sources.database.connection import parse_target

# driver module -> the extra of gdpr-auditor that installs it
EXTRAS = {"psycopg": "postgres", "pymysql": "mysql"}


def check_driver(url: str) -> None:
    """Raise a SourceError naming what to install when the URL's driver cannot be imported."""
    target = parse_target(url)
    if target.backend == "duckdb":  # read with the duckdb package, a dependency of the auditor
        return
    try:
        dialect = target.url.get_dialect()
    except sa.exc.NoSuchModuleError:  # no SQLAlchemy dialect of that name: the connection says so
        return
    try:
        dialect.import_dbapi()
    except ImportError as err:
        module = err.name or target.url.get_driver_name()
        driver = target.url.drivername
        extra = EXTRAS.get(module)
        if extra is not None:
            raise SourceError(f"the {driver} driver is not installed (Python module {module!r}): "
                              f"pip install 'gdpr-auditor[{extra}]'") from None
        raise SourceError(f"the {driver} driver is not installed (Python module {module!r}): install it, or "
                          "use postgresql+psycopg:// or mysql+pymysql://, whose drivers install with "
                          "pip install 'gdpr-auditor[drivers]'") from None
