"""The foreign-key graph of an inventory, built once, and bounded breadth-first searches over it.

Each table's edges are its own foreign keys (child → parent), then the foreign keys of the other
tables that reference it (parent → child), in inventory order. `Reach` explores the graph from one
table level by level, only as deep as it is asked, so that finding the nearest tables holding a
column costs the neighbourhood searched, not the whole schema. The path it gives to a table is the
one a breadth-first search from the start meets first.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.models.inventory import Inventory, Table
from auditor.models.table_index import TableIndex


@dataclass(frozen=True)
class Hop:
    """One join: `src.src_columns` = `dst.dst_columns`, along a foreign key in either direction."""

    src: Table
    dst: Table
    src_columns: tuple[str, ...]
    dst_columns: tuple[str, ...]


class ForeignKeyGraph:
    def __init__(self, inventory: Inventory, index: TableIndex | None = None) -> None:
        index = index or TableIndex(inventory.tables)
        self._forward: dict[int, list[Hop]] = {}
        self._backward: dict[int, list[Hop]] = {}
        for child in inventory.tables:
            for fk in child.foreign_keys:
                parent = index.find(fk.ref_table, fk.ref_schema)
                if parent is None or parent is child:
                    continue
                ref = fk.ref_columns or parent.primary_key
                if len(ref) != len(fk.columns):
                    continue
                self._forward.setdefault(id(child), []).append(
                    Hop(child, parent, tuple(fk.columns), tuple(ref)))
                if child.is_base_table:
                    self._backward.setdefault(id(parent), []).append(
                        Hop(parent, child, tuple(ref), tuple(fk.columns)))

    def edges(self, table: Table) -> list[Hop]:
        """The joins from `table`: its foreign keys, then the ones referencing it."""
        return [*self._forward.get(id(table), []), *self._backward.get(id(table), [])]

    def reach(self, start: Table, max_hops: int) -> Reach:
        return Reach(self, start, max_hops)


class Reach:
    """A breadth-first search from `start`, at most `max_hops` joins deep, expanded a level at a
    time when asked."""

    def __init__(self, graph: ForeignKeyGraph, start: Table, max_hops: int) -> None:
        self.graph = graph
        self.start = start
        self.max_hops = max_hops
        self._paths: dict[int, list[Hop]] = {id(start): []}
        self._levels: list[list[tuple[Table, list[Hop]]]] = [[(start, [])]]

    def level(self, depth: int) -> list[tuple[Table, list[Hop]]]:
        """The tables first met `depth` joins away, each with its path, in the search's order."""
        while len(self._levels) <= min(depth, self.max_hops) and self._levels[-1]:
            found = []
            for table, path in self._levels[-1]:
                for hop in self.graph.edges(table):
                    if id(hop.dst) not in self._paths:
                        self._paths[id(hop.dst)] = [*path, hop]
                        found.append((hop.dst, self._paths[id(hop.dst)]))
            self._levels.append(found)
        return self._levels[depth] if depth < len(self._levels) else []

    def path_to(self, goal: Table) -> list[Hop] | None:
        """The shortest chain of joins to `goal`, or None beyond `max_hops`."""
        depth = 0
        while id(goal) not in self._paths and depth < self.max_hops and self.level(depth + 1):
            depth += 1
        return self._paths.get(id(goal))
