"""The value expectations, run by great-expectations inside the audited database.

The detectors classify a column from a sample; GX then checks the whole column where it lives,
pushing each `expect_column_values_to_match_regex` into SQL (SQLite, PostgreSQL, MariaDB and other
SQLAlchemy dialects). The result format is BASIC with `partial_unexpected_count` 0, so no value is
returned, only counts; progress bars are off; the connection is read-only as everywhere else.
GX fails on DuckDB (duckdb-engine with SQLAlchemy 2.1), so a DuckDB file is reported as not
supported rather than tried. great-expectations is imported here only, when asked for.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import sqlalchemy as sa

from auditor.gx_module import great_expectations
from auditor.models.findings import GxCheck
from auditor.models.inventory import Inventory, ReadError, Table
from auditor.models.table_index import TableIndex
from auditor.sources.database.connection import APPLICATION_NAME, Target, parse_target
from auditor.sources.engine_errors import DOING, EngineFailure, Failure, failed, words

RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0, "include_unexpected_rows": False}


def _connection(target: Target) -> tuple[str, dict[str, Any]]:
    """A connection string and create_engine() arguments that make GX's engine read-only."""
    url = target.url
    if target.backend == "sqlite":
        return f"sqlite:///file:{url.database}?mode=ro&uri=true", {}
    if target.backend == "postgresql":
        return url.render_as_string(hide_password=False), {
            "connect_args": {"options": "-c default_transaction_read_only=on -c statement_timeout=300000",
                             "application_name": APPLICATION_NAME}}
    if target.backend == "mysql":
        return url.render_as_string(hide_password=False), {
            "connect_args": {"init_command": "SET SESSION TRANSACTION READ ONLY"}}
    return url.render_as_string(hide_password=False), {}


# GX's message of a driver error starts with the driver's class, e.g. `(psycopg.errors.QueryCanceled)`:
# only that class name is taken from the text (the rest may quote a value)
_DRIVER_CLASS = re.compile(r"\(([A-Za-z_][\w.]*)\)")


def _exception(info: dict[str, Any]) -> Failure | None:
    """Why GX could not evaluate an expectation (exception_info, flat or keyed by metric): the
    driver's error class when GX names one, never the message's text."""
    raised = [info] if info.get("raised_exception") else \
        [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    if not raised:
        return None
    found = _DRIVER_CLASS.match(str(raised[0].get("exception_message") or ""))
    if found is None:
        engine, condition = "great-expectations", "error"
    else:
        module, _, name = found.group(1).rpartition(".")
        engine, condition = _ENGINES.get(module.split(".")[0], module or "engine"), words(name)
    described = EngineFailure(engine, condition) if found is not None \
        else "an error raised in great-expectations"
    return Failure("failed_gx_evaluate", f"{DOING['gx_evaluate']}: {described}",
                   {"engine": engine, "code": "", "condition": condition, "hint": ""})


_ENGINES = {"psycopg": "PostgreSQL", "psycopg2": "PostgreSQL", "pymysql": "MariaDB", "sqlite3": "SQLite"}


_TEXT_TYPE = re.compile(r"CHAR|TEXT|STRING|CLOB|CITEXT|JSON|UUID|ENUM|SET\b", re.IGNORECASE)


def _table(tables: TableIndex, qualified: str) -> Table | None:
    schema, _, name = qualified.rpartition(".")
    return tables.find(name, schema or None)


def text_expectations(suites: dict[str, Any], inventory: Inventory) -> dict[str, Any]:
    """The suites restricted to columns declared as text: GX pushes a regex down as `col ~ re`,
    which PostgreSQL refuses on a numeric column (coordinates, postal codes kept as integers)."""
    kept: dict[str, Any] = {}
    tables = TableIndex(inventory.tables)
    for qualified, suite in suites.items():
        table = _table(tables, qualified)
        if table is None:
            continue
        expectations = [e for e in suite["expectations"]
                        if (col := table.column(e["kwargs"]["column"])) is not None
                        and (col.type is None or _TEXT_TYPE.search(col.type))]
        if expectations:
            kept[qualified] = {**suite, "expectations": expectations}
    return kept


def run_in_database(url: str, suites: dict[str, Any], inventory: Inventory, *,
                    password_env: str | None = None) -> tuple[list[GxCheck], list[ReadError]]:
    """Run every exported suite (table -> GX suite dict) on its table; counts, never values."""
    target = parse_target(url, password_env)
    if target.backend == "duckdb":
        return [], [ReadError(source="gx", location=target.masked,
                              message="great-expectations cannot run on DuckDB (duckdb-engine breaks on "
                                      "SQLAlchemy 2.1); the value counts come from the native SQL path")]
    suites = text_expectations(suites, inventory)
    if not suites:
        return [], []
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    great_expectations()  # lazy: about 4 s to import
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")  # nothing written to disk
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    connection_string, kwargs = _connection(target)
    try:
        # create_engine() arguments (SQLDatasource.kwargs); no pool: no connection outlives a query
        options: dict[str, Any] = {"kwargs": {**kwargs, "poolclass": sa.pool.NullPool}}
        add = {"postgresql": context.data_sources.add_postgres,
               "sqlite": context.data_sources.add_sqlite}.get(target.backend, context.data_sources.add_sql)
        source = add("audited", connection_string=connection_string, **options)
    except Exception as err:  # GX wraps driver errors in its own types
        return [], [failed("gx_connect", err).error("gx", target.masked)]
    try:
        checks, errors = _validate_all(context, source, suites, inventory, target)
    finally:
        source.get_engine().dispose()  # close GX's connections: nothing stays open on the server
    return checks, errors


def _validate_all(context: Any, source: Any, suites: dict[str, Any], inventory: Inventory,
                  target: Target) -> tuple[list[GxCheck], list[ReadError]]:
    import great_expectations as gx

    checks: list[GxCheck] = []
    errors: list[ReadError] = []
    tables = TableIndex(inventory.tables)
    for index, (qualified, suite) in enumerate(sorted(suites.items())):
        table = _table(tables, qualified)
        if table is None:
            continue
        try:
            asset = source.add_table_asset(f"t{index}_{table.name}", table_name=table.name,
                                           schema_name=table.schema_name)
            batch = asset.add_batch_definition_whole_table("all").get_batch()
            expectations = context.suites.add(gx.ExpectationSuite(name=suite["name"],
                                                                  expectations=suite["expectations"]))
            result = batch.validate(expectations, result_format=RESULT_FORMAT)
        except Exception as err:
            errors.append(failed("gx_validate", err).error("gx", f"{target.masked}#{qualified}"))
            continue
        for outcome in result.results:
            config = outcome.expectation_config
            if config is None:
                continue
            kw, meta, counts = config.kwargs, config.meta or {}, outcome.result or {}
            failure = _exception(outcome.exception_info or {})
            if failure is not None:
                errors.append(failure.error("gx", f"{target.masked}#{qualified}.{kw['column']}"))
                continue
            checks.append(GxCheck(
                table=qualified, column=kw["column"], detector=meta.get("detector", ""),
                category=meta.get("gdpr_category", ""), mostly=float(kw.get("mostly", 1.0)),
                element_count=int(counts.get("element_count") or 0),
                unexpected_count=int(counts.get("unexpected_count") or 0),
                unexpected_percent=counts.get("unexpected_percent"), success=bool(outcome.success)))
    return checks, errors
