"""The tables of an inventory by name, indexed once.

`Inventory.find_table` reads every table to answer one name; a check that looks names up inside a
loop over the tables would read the inventory once per table (quadratic in the schema). A
`TableIndex` answers the same question, with the same result, from a dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.models.inventory import Table


class TableIndex:
    def __init__(self, tables: Iterable[Table]) -> None:
        self._by_name: dict[str, list[Table]] = {}
        for table in tables:
            self._by_name.setdefault(table.name.lower(), []).append(table)

    def find(self, name: str, schema: str | None = None) -> Table | None:
        """What `Inventory.find_table(name, schema)` returns: the table of that name in that schema,
        else the first table of that name (in inventory order), else None."""
        candidates = self._by_name.get(name.lower(), [])
        if schema is not None:
            low = schema.lower()
            exact = next((t for t in candidates if (t.schema_name or "").lower() == low), None)
            if exact is not None:
                return exact
        return candidates[0] if candidates else None
