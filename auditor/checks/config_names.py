"""The names the configuration gives, checked against what the audit read: rule codes of the
waivers must exist (an error, with the nearest code); tables of `tables:` and of the waivers' targets
that the schema does not hold are reported (a warning: one configuration serves several environments,
whose schemas may differ), with the nearest name."""

from __future__ import annotations

import difflib

from auditor.checks.context import AuditContext
from auditor.errors import ConfigError
from auditor.models.inventory import Inventory, ReadError
from auditor.profiles.taxonomy import did_you_mean
from auditor.yaml_source import locate

_GLOB = set("*?[")


def check_names(ctx: AuditContext, inventory: Inventory, raw: object) -> list[ReadError]:
    settings = ctx.settings
    file = settings.config_file or "command line"
    codes = sorted(ctx.rules.rules)
    problems = [ConfigError(f"waivers: no rule {w.rule!r}" + did_you_mean(w.rule.upper(), codes), file=file,
                            line=locate(raw, ("waivers", i, "rule")))
                for i, w in enumerate(settings.waivers) if w.rule.upper() not in ctx.rules.rules]
    if problems:
        raise ConfigError(problems[0].message, file=file, line=problems[0].line, also=problems[1:])
    tables = {t.name.lower() for t in inventory.tables} | {t.qualified_name.lower() for t in inventory.tables}
    names = sorted(tables)
    warnings = []

    def unknown(table: str, loc: tuple[str | int, ...]) -> None:
        line = locate(raw, loc)
        close = difflib.get_close_matches(table.lower(), names, n=1)
        warnings.append(ReadError(
            source="config", location=f"{file}:{line}" if line else file,
            message=f"{'.'.join(map(str, loc))}: no table {table!r} in the schema"
                    + (f" (did you mean {close[0]!r}?)" if close else ""),
            code="config_unknown_table_close" if close else "config_unknown_table",
            values={"table": table, **({"closest": close[0]} if close else {})}))

    for table in settings.tables:
        if not _GLOB & set(table) and table.lower() not in tables:
            unknown(table, ("tables", table))
    for i, waiver in enumerate(settings.waivers):
        place = waiver.target.rsplit("@", 1)[-1]
        named = place.rsplit(".", 1)[0] if "." in place else ""
        if named and not _GLOB & set(named) and named.lower() not in tables:
            unknown(named, ("waivers", i, "target"))
    return warnings
