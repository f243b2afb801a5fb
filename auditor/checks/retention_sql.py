"""The SQL of the retention check, built with sqlglot for the engine that holds the rows.

A start event (end of support, last contact…) is mapped in the config to one or more
`table.column`. For an audited table, each mapped column is reached through the foreign keys
(either direction, at most `MAX_HOPS` joins), as the `MAX()` of a grouped subquery joined once
when it lives elsewhere; the row's start date is the latest of them, NULLs ignored (GREATEST of
COALESCEs, which every engine evaluates the same way). One aggregate query per table then counts
rows past each cutoff. Cutoffs are computed in Python and written as timestamp literals: date
arithmetic differs between engines. Every date column is read through TRY_CAST(… AS TIMESTAMP),
which also turns the text of a sample file or a SQLite column into a comparable value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlglot.expressions as exp

from auditor.models.foreign_keys import Hop
from auditor.models.inventory import Table

MAX_HOPS = 4  # joins from an audited table to the table holding its start date, at most
TableRef = Callable[[Table], exp.Table]


def _col(alias: str, name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True), table=exp.to_identifier(alias))


def as_timestamp(expr: exp.Expr) -> exp.Expr:
    return exp.TryCast(this=expr, to=exp.DataType.build("TIMESTAMP"))


def _join_condition(left: str, right: str, hop: Hop) -> exp.Expr:
    parts = [exp.EQ(this=_col(left, a), expression=_col(right, b))
             for a, b in zip(hop.src_columns, hop.dst_columns, strict=True)]
    return exp.and_(*parts, copy=False)


def latest_per_key(path: list[Hop], column: str, table_ref: TableRef) -> exp.Select:
    """The latest `column` of the rows `path` leads to, per value of the first join's key:
    `SELECT j1.k AS k0…, MAX(…) AS latest … GROUP BY j1.k`, joined once to the audited rows."""
    aliases = [f"j{i}" for i in range(1, len(path) + 1)]
    keys = [_col(aliases[0], c).as_(f"k{i}", copy=False) for i, c in enumerate(path[0].dst_columns)]
    latest = exp.Max(this=as_timestamp(_col(aliases[-1], column))).as_("latest", copy=False)
    select = exp.select(*keys, latest)
    select = select.from_(table_ref(path[0].dst).as_(aliases[0], copy=False), copy=False)
    for i, hop in enumerate(path[1:], start=1):
        select = select.join(table_ref(hop.dst).as_(aliases[i], copy=False),
                             on=_join_condition(aliases[i - 1], aliases[i], hop), copy=False)
    return select.group_by(*[_col(aliases[0], c) for c in path[0].dst_columns], copy=False)


def latest_of(dates: list[exp.Expr]) -> exp.Expr:
    """The greatest non-null of `dates`; NULL when all are NULL."""
    if len(dates) == 1:
        return dates[0]
    rotated = [exp.Coalesce(this=dates[i], expressions=[d.copy() for d in dates[:i] + dates[i + 1:]])
               for i in range(len(dates))]
    return exp.Greatest(this=rotated[0], expressions=rotated[1:])


def timestamp_literal(day: dt.date) -> exp.Expr:
    return exp.cast(exp.Literal.string(f"{day.isoformat()} 00:00:00"), "TIMESTAMP")


@dataclass
class RetentionQuery:
    sql: str
    cutoffs: tuple[dt.date, dt.date | None]  # end of the active period, end of the whole retention


DateSource = tuple[list[Hop], str]  # the foreign-key path from the audited row, and the date column


def retention_sql(table: Table, sources: list[DateSource], dialect: str, table_ref: TableRef, *,
                  active_cutoff: dt.date, total_cutoff: dt.date | None,
                  soft_delete: str | None = None, closed: exp.Expr | None = None) -> RetentionQuery:
    """SELECT rows, rows past the active period, rows past the whole retention, oldest start,
    rows with no start date, of those the closed ones, and soft-deleted rows still present.

    A date reached through foreign keys comes from one grouped subquery, LEFT JOINed on the first
    key: each table is scanned once and the engine runs hash joins (a correlated MAX() per source,
    repeated by GREATEST and COALESCE, was decorrelated once per occurrence)."""
    d = exp.column("d")

    def count_if(cond: exp.Expr) -> exp.Expr:
        return exp.Count(this=exp.Case(ifs=[exp.If(this=cond, true=exp.Literal.number(1))]))

    rows = exp.select().from_(table_ref(table).as_("t", copy=False), copy=False)
    dates: list[exp.Expr] = []
    for i, (path, column) in enumerate(sources):
        if not path:
            rows = rows.select(as_timestamp(_col("t", column)).as_(f"d{i}", copy=False), copy=False)
        else:
            alias = f"s{i}"
            on = exp.and_(*[exp.EQ(this=_col("t", c), expression=_col(alias, f"k{n}"))
                            for n, c in enumerate(path[0].src_columns)], copy=False)
            rows = rows.join(exp.Subquery(this=latest_per_key(path, column, table_ref),
                                          alias=exp.TableAlias(this=exp.to_identifier(alias))),
                             on=on, join_type="left", copy=False)
            rows = rows.select(_col(alias, "latest").as_(f"d{i}", copy=False), copy=False)
        dates.append(_col("y", f"d{i}"))
    rows = rows.select((closed.copy() if closed is not None else exp.false()).as_("closed", copy=False),
                       copy=False)
    marker = (exp.Not(this=exp.Is(this=_col("t", soft_delete), expression=exp.null()))
              if soft_delete else exp.false())
    rows = rows.select(marker.as_("deleted", copy=False), copy=False)
    start = exp.select(latest_of(dates).as_("d"), _col("y", "closed").as_("closed"),
                       _col("y", "deleted").as_("deleted"))
    start = start.from_(exp.Subquery(this=rows, alias=exp.TableAlias(this=exp.to_identifier("y"))),
                        copy=False)
    total = (count_if(exp.LT(this=d, expression=timestamp_literal(total_cutoff)))
             if total_cutoff else exp.null())
    outer = exp.select(
        exp.Count(this=exp.Star()).as_("n_rows"),
        count_if(exp.LT(this=d, expression=timestamp_literal(active_cutoff))).as_("past_active"),
        total.as_("past_total"),
        exp.Min(this=d).as_("oldest"),
        count_if(exp.Is(this=d, expression=exp.null())).as_("no_date"),
        count_if(exp.and_(exp.Is(this=d, expression=exp.null()), exp.column("closed"))).as_("closed_no_date"),
        count_if(exp.column("deleted")).as_("deleted"),
    ).from_(exp.Subquery(this=start, alias=exp.TableAlias(this=exp.to_identifier("x"))))
    return RetentionQuery(outer.sql(dialect=dialect, copy=False), (active_cutoff, total_cutoff))
