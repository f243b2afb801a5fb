"""The scale benchmark: whole audits of many-table schemas, from their DDL and live in PostgreSQL.

    python bench/scale.py [--sizes 50,500,5000] [--rows 20] [--profiles all] [--live-profiles P,P]
                          [--postgres-url postgresql://postgres@127.0.0.1:5432/] [--no-webrsa]

The schemas: generated ones (bench/schemas.py: ten columns a table, French names, foreign-key
chains, a share of personal columns) of 50, 500 and 5,000 tables, and webrsa's (463 tables, 773
foreign keys, ../shared/corpus/ddl/atolcd__webrsa__schema-public.sql). Each is audited from its
DDL file, and live once loaded into PostgreSQL: the generated tables with `--rows` seeded rows each
(counted, sampled, scanned and checked for retention in the database), webrsa's empty (its dump
has no rows; it needs the owner role it names, `webrsa`, created when missing).

Each audit runs in a process of its own, as `gdpr-audit audit` would, with one profile, writing
the JSON and HTML reports: its wall time (start-up included), its peak RSS (VmHWM) and, live, the
statements it sent (counted by a SQLAlchemy event in that process). The live audits log in as
`gdpr_bench_auditor`, a login that reads every table through `pg_read_all_data` (so no grant
shows in the inventory) and whose sessions the server ends when they stay idle in a transaction
over 1 s (`idle_in_transaction_session_timeout`): an audit that kept a transaction open while it
worked would fail. Meanwhile this process samples pg_stat_activity every 20 ms and keeps the
longest `idle in transaction` it saw among the auditor's sessions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WEBRSA = ROOT.parent / "shared" / "corpus" / "ddl" / "atolcd__webrsa__schema-public.sql"
SERVER = "postgresql://postgres@127.0.0.1:5432/"
AUDITOR = "gdpr_bench_auditor"  # the audit login of the live runs
IDLE_LIMIT = "1s"
POLL_S = 0.02
AS_OF = dt.date(2026, 11, 1)
# a generated schema's live audit costs the same under any profile but for its retention queries
# (the rows are read before the checks): two profiles, the social one and the RSA one, by default
LIVE_PROFILES = ("cnil.ref.social-medicosocial.2021", "fr.casf.rsa.r262")


# -- the measured process -----------------------------------------------------------------------------
def audit(source: dict[str, Any], profile: str, out: Path) -> dict[str, Any]:
    """Run in a child process: one audit, as the CLI runs it, and what it cost."""
    from auditor.api import run_audit
    from auditor.config import load_settings
    from auditor.progress import Progress
    from auditor.reporters import REPORTERS

    statements = [0]
    if "database" in source:
        import sqlalchemy as sa

        def count(*_: Any) -> None:
            statements[0] += 1

        sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    settings, raw = load_settings(None, {**source, "profiles": [{"id": profile}], "as_of": AS_OF})
    phases = Progress()
    result = run_audit(settings, raw, phases)
    for fmt in ("json", "html"):
        with open(out / f"report.{fmt}", "w", encoding="utf-8") as stream:
            REPORTERS[fmt](result, stream)
    return {"findings": len(result.findings), "tables": result.tables_read, "columns": len(result.columns),
            "rows": result.rows_read, "statements": statements[0], "peak_rss_mb": _peak_mb(),
            "errors": len(result.errors), "phases": {name: round(s, 2) for name, s, _ in phases.timings()}}


def _peak_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return 0


class IdleWatch:
    """Samples pg_stat_activity while an audit runs: the longest time one of the auditor's
    sessions was seen idle in a transaction."""

    def __init__(self, server: str, database: str) -> None:
        import psycopg

        self.conn = psycopg.connect(f"{server}{database}", autocommit=True)
        self.longest = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        sql = ("SELECT coalesce(max(extract(epoch FROM clock_timestamp() - state_change)) "
               "FILTER (WHERE state = 'idle in transaction'), 0) FROM pg_stat_activity "
               "WHERE application_name = 'gdpr-audit' AND datname = current_database() "
               "AND pid <> pg_backend_pid()")
        while not self._stop.is_set():
            row = self.conn.execute(sql).fetchone()
            self.longest = max(self.longest, float(row[0]) if row else 0.0)
            self.samples += 1
            time.sleep(POLL_S)

    def __enter__(self) -> IdleWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.conn.close()


def measure(source: dict[str, Any], profile: str, watch: tuple[str, str] | None = None) -> dict[str, Any]:
    """One audit in a fresh process: its wall time and what it reports about itself."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(source), profile, tmp]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        if watch is None:
            child = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
            idle = None
        else:
            with IdleWatch(*watch) as seen:
                child = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
            idle = {"longest_s": round(seen.longest, 3), "samples": seen.samples}
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode:
        sys.exit(f"bench: the audit failed ({profile}, {source}):\n{child.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    result.update(seconds=round(seconds, 2), cpu_s=round(cpu, 2), load=round(os.getloadavg()[0], 1),
                  profile=profile, idle_in_transaction=idle)
    return result


# -- PostgreSQL ------------------------------------------------------------------------------------
def _admin(server: str, database: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(f"{server}{database}", autocommit=True)


def _create_role(server: str, definition: str) -> bool:
    """CREATE ROLE, unless it exists; whether it was created (and is to be dropped at the end)."""
    import psycopg

    with _admin(server) as admin:
        try:
            admin.execute(f"CREATE ROLE {definition}")
        except psycopg.errors.DuplicateObject:
            return False
    return True


def prepare_login(server: str) -> bool:
    """The audit login: reads every table (pg_read_all_data, PostgreSQL 14+), and the server ends
    its sessions when they stay idle in a transaction longer than IDLE_LIMIT."""
    created = _create_role(server, f"{AUDITOR} LOGIN")
    with _admin(server) as admin:
        admin.execute(f"ALTER ROLE {AUDITOR} SET idle_in_transaction_session_timeout = '{IDLE_LIMIT}'")
        admin.execute(f"GRANT pg_read_all_data TO {AUDITOR}")
    return created


def drop_roles(server: str, roles: list[str]) -> None:
    """Roles are the cluster's: the ones the benchmark created go once its databases are gone."""
    with _admin(server) as admin:
        for role in roles:
            admin.execute(f"DROP ROLE IF EXISTS {role}")


def _fresh_database(server: str, database: str, owner: str | None = None) -> None:
    with _admin(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"' + (f' OWNER "{owner}"' if owner else ""))


def drop_database(server: str, database: str) -> None:
    with _admin(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def load_generated(server: str, database: str, tables: int, rows: int) -> float:
    """The generated schema and `rows` rows a table, by COPY; returns the seconds it took."""
    from bench.schemas import schema_tables, table_rows

    start = time.perf_counter()
    _fresh_database(server, database)
    with _admin(server, database) as conn:
        for spec in schema_tables(tables):
            conn.execute(spec.ddl().encode())
            if rows:
                columns = ", ".join(c.split(" ", 1)[0] for c in spec.columns)
                copy_sql = f"COPY {spec.name} ({columns}) FROM STDIN".encode()
                with conn.cursor() as cur, cur.copy(copy_sql) as copy:
                    for row in table_rows(spec, rows):
                        copy.write_row(row)
        conn.execute("ANALYZE")
    return time.perf_counter() - start


def load_webrsa(server: str, database: str) -> tuple[float, int]:
    """webrsa's dump, statement by statement, as psql would run it; returns the seconds and the
    number of statements the server refused (the dump alters objects it does not create)."""
    import psycopg

    from auditor.sources.statements import split_statements

    start = time.perf_counter()
    _fresh_database(server, database, owner="webrsa")
    refused = 0
    with _admin(server, database) as conn:
        for stmt in split_statements(WEBRSA.read_text(encoding="utf-8"), "postgres").statements:
            try:
                conn.execute(stmt.text.encode())
            except psycopg.Error:
                refused += 1
        conn.execute("ANALYZE")
    return time.perf_counter() - start, refused


# -- the runs --------------------------------------------------------------------------------------
def _ddl(path: Path) -> dict[str, Any]:
    return {"schema": {"files": [str(path)], "dialect": "postgres"}}


def _live(server: str, database: str) -> dict[str, Any]:
    url = server.replace("://postgres@", f"://{AUDITOR}@") + database
    return {"database": {"url": url}}


def run(sizes: list[int], rows: int, profiles: list[str], live_profiles: list[str], server: str,
        webrsa: bool) -> dict[str, Any]:
    results: dict[str, Any] = {"sizes": sizes, "rows": rows, "generated": [], "webrsa": []}
    created = [AUDITOR] if prepare_login(server) else []
    if webrsa and WEBRSA.is_file() and _create_role(server, "webrsa"):  # the owner webrsa's dump names
        created.append("webrsa")
    try:
        _runs(results, sizes, rows, profiles, live_profiles, server, webrsa)
    finally:
        drop_roles(server, created)
    return results


def _runs(results: dict[str, Any], sizes: list[int], rows: int, profiles: list[str], live_profiles: list[str],
          server: str, webrsa: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            from bench.schemas import schema_ddl

            path = Path(tmp) / f"generated_{size}.sql"
            path.write_text(schema_ddl(size), encoding="utf-8")
            database = f"gdpr_bench_scale_{size}"
            loaded = load_generated(server, database, size, rows)
            try:
                for profile in profiles:
                    ddl = measure(_ddl(path), profile)
                    live = (measure(_live(server, database), profile, (server, database))
                            if profile in live_profiles else None)
                    results["generated"].append({"tables": size, "profile": profile, "ddl": ddl, "live": live,
                                                 "load_s": round(loaded, 1)})
                    _say(f"{size:>6} tables, {profile}: DDL {ddl['seconds']} s"
                         + (f", live {live['seconds']} s" if live else ""))
            finally:
                drop_database(server, database)
    if webrsa and WEBRSA.is_file():
        database = "gdpr_bench_webrsa"
        loaded, refused = load_webrsa(server, database)
        try:
            for profile in profiles:
                ddl = measure(_ddl(WEBRSA), profile)
                live = measure(_live(server, database), profile, (server, database))
                results["webrsa"].append({"profile": profile, "ddl": ddl, "live": live,
                                          "load_s": round(loaded, 1), "refused": refused})
                _say(f"webrsa, {profile}: DDL {ddl['seconds']} s, live {live['seconds']} s")
        finally:
            drop_database(server, database)


# -- the report -----------------------------------------------------------------------------------
BUDGETS = {"webrsa_ddl_s": 30, "webrsa_live_s": 60, "tables_5000_s": 300, "idle_s": 1.0, "ratio": 12}


def _cell(run: dict[str, Any] | None, live: bool) -> str:
    if run is None:
        return "—"
    text = f"{run['seconds']:.1f} s ({run['cpu_s']:.1f} s CPU), {run['peak_rss_mb']} MB"
    if live:
        text += f", {run['statements']:,} statements, idle ≤ {run['idle_in_transaction']['longest_s']:.2f} s"
    return text


def _ratio(results: dict[str, Any], profile: str, kind: str, measure: str = "cpu_s") -> float | None:
    """time(5,000) / time(500) of one profile's audits: the CPU time of the auditor's process (what
    its algorithms cost, whatever else the shared machine runs), or the wall time."""
    runs = {g["tables"]: g[kind] for g in results["generated"] if g["profile"] == profile and g[kind]}
    return runs[5000][measure] / runs[500][measure] if 5000 in runs and 500 in runs else None


def markdown(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    profiles = list(dict.fromkeys(g["profile"] for g in results["generated"]))
    runs = [*results["generated"], *results["webrsa"]]
    loads = [r[k]["load"] for r in runs for k in ("ddl", "live") if r[k]]
    lines = [f"Generated schemas (bench/schemas.py; ten columns a table; live: {results['rows']} seeded rows "
             "a table), one audit per process and profile: wall time (start-up and the JSON and HTML reports "
             "included) and the CPU time of the auditor's process, peak RSS; live, the statements sent and "
             "the longest idle in transaction seen. The machine's load average (1 min) was "
             f"{min(loads, default=0):.1f} to {max(loads, default=0):.1f} during the audits, on "
             f"{os.cpu_count()} cores.", ""]
    for kind, title in (("ddl", "from the DDL file"), ("live", "live in PostgreSQL")):
        head = " | ".join(f"{n:,} tables" for n in sizes)
        lines += [f"**{title}**", "", f"| profile | {head} | 5,000 / 500: CPU (wall) |",
                  "|---|" + "---:|" * (len(sizes) + 1)]
        for profile in profiles:
            runs = {g["tables"]: g[kind] for g in results["generated"] if g["profile"] == profile}
            if not any(runs.values()):
                continue
            cpu, wall = _ratio(results, profile, kind), _ratio(results, profile, kind, "seconds")
            cells = " | ".join(_cell(runs.get(n), kind == "live") for n in sizes)
            lines.append(f"| {profile} | {cells} | {f'{cpu:.1f} ({wall:.1f})' if cpu and wall else '—'} |")
        lines.append("")
    first = next(iter(results["generated"]), None)
    if first is not None:
        shape = {g["tables"]: (g["ddl"]["columns"], g["load_s"]) for g in results["generated"]}
        lines += ["Columns: " + ", ".join(f"{n:,} tables: {c:,}" for n, (c, _) in sorted(shape.items()))
                  + "; loading into PostgreSQL (DDL and rows): "
                  + ", ".join(f"{n:,} tables {s:.0f} s" for n, (_, s) in sorted(shape.items())) + ".", ""]
    if results["webrsa"]:
        w = results["webrsa"][0]
        lines += [f"webrsa ({w['ddl']['tables']} tables and views, {w['ddl']['columns']:,} columns; loaded "
                  f"in {w['load_s']:.0f} s, {w['refused']} statements of the dump refused by the server: "
                  "they alter objects it does not create), its tables empty:", "",
                  "| profile | DDL audit | findings | live audit | findings |", "|---|---:|---:|---:|---:|"]
        for run in results["webrsa"]:
            ddl, live = run["ddl"], run["live"]
            lines.append(f"| {run['profile']} | {_cell(ddl, False)} | {ddl['findings']} | "
                         f"{_cell(live, True)} | {live['findings']} |")
        lines.append("")
    return "\n".join(lines)


def budgets(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(budget, this run, met) for the scale budgets."""
    out = []
    webrsa = results["webrsa"]
    if webrsa:
        for kind, key, name in (("ddl", "webrsa_ddl_s", "webrsa DDL audit"), ("live", "webrsa_live_s",
                                                                              "webrsa live audit")):
            worst = max(webrsa, key=lambda r: r[kind]["seconds"])
            out.append((f"{name} ≤ {BUDGETS[key]} s ({len(webrsa)} profiles)",
                        f"slowest {worst[kind]['seconds']:.1f} s ({worst['profile']})",
                        worst[kind]["seconds"] <= BUDGETS[key]))
    for kind in ("ddl", "live"):
        big = [g for g in results["generated"] if g["tables"] == 5000 and g[kind]]
        if big:
            worst = max(big, key=lambda g: g[kind]["seconds"])
            out.append((f"5,000 tables ≤ 5 min, {'from the DDL' if kind == 'ddl' else 'live'} "
                        f"({len(big)} profiles)", f"slowest {worst[kind]['seconds']:.1f} s "
                        f"({worst['profile']})", worst[kind]["seconds"] <= BUDGETS["tables_5000_s"]))
        ratios = [(r, p) for p in dict.fromkeys(g["profile"] for g in results["generated"])
                  if (r := _ratio(results, p, kind))]
        if ratios:
            worst_ratio, profile = max(ratios)
            walls = [w for _, p in ratios if (w := _ratio(results, p, kind, "seconds"))]
            where = "DDL" if kind == "ddl" else "live"
            out.append((f"time(5,000) / time(500) ≤ {BUDGETS['ratio']}, {where}: CPU time of the auditor",
                        f"{min(r for r, _ in ratios):.1f} to {worst_ratio:.1f} "
                        f"({profile}); wall time {min(walls):.1f} to {max(walls):.1f}",
                        worst_ratio <= BUDGETS["ratio"]))
    live = [r["live"] for r in [*results["generated"], *webrsa] if r["live"]]
    if live:
        worst_idle = max(r["idle_in_transaction"]["longest_s"] for r in live)
        out.append((f"longest idle in transaction of the auditor's sessions ≤ {BUDGETS['idle_s']:.0f} s",
                    f"{worst_idle:.2f} s over {len(live)} live audits (sampled every {POLL_S * 1000:.0f} ms; "
                    f"the server ends a session idle over {IDLE_LIMIT}: none was)",
                    worst_idle <= BUDGETS["idle_s"]))
    return out


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def builtin_profiles() -> list[str]:
    from auditor.profiles import load_catalogue

    return sorted(load_catalogue([]).profiles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--rows", type=int, default=20, help="Rows seeded in each generated table (live)")
    parser.add_argument("--profiles", default="all", help="Profile ids, comma-separated, or all")
    parser.add_argument("--live-profiles", default=",".join(LIVE_PROFILES),
                        help="The profiles the generated schemas are also audited with live (or all); "
                             "webrsa is audited live with every profile of --profiles")
    parser.add_argument("--postgres-url", default=SERVER, help=f"The server (default {SERVER})")
    parser.add_argument("--no-webrsa", action="store_true")
    parser.add_argument("--json", type=Path, help="Also write the measures to this file")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        source, profile, out = args.child
        print(json.dumps(audit(json.loads(source), profile, Path(out))))
        return
    every = builtin_profiles()
    profiles = every if args.profiles == "all" else args.profiles.split(",")
    live = profiles if args.live_profiles == "all" else args.live_profiles.split(",")
    results = run([int(s) for s in args.sizes.split(",")], args.rows, profiles, live, args.postgres_url,
                  not args.no_webrsa)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(markdown(results))
    for budget, seen, met in budgets(results):
        print(f"- {budget}: {seen}: {'met' if met else 'missed'}")


if __name__ == "__main__":
    main()
