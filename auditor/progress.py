"""What a running audit says about itself: the phase it is in, the tables done of the phase's
total, and, once it is over, how long each phase took.

The audit reports to a `Progress`; a listener, given by the CLI, draws it (reporters/terminal.py).
Phases are timed whether anyone listens or not, so `--timings` can say where the time went. Worker
threads may report tables done at the same time: every change is made under a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Phase:
    name: str
    total: int | None = None  # tables (or statements) to go through, when known
    unit: str = "tables"
    done: int = 0
    seconds: float = 0.0
    last: str = ""  # the last table done, as the listener may show it


Listener = Callable[[Phase], None]  # called on every change of the current phase


class Progress:
    def __init__(self, listener: Listener | None = None) -> None:
        self.phases: list[Phase] = []
        self._listener = listener
        self._lock = threading.Lock()
        self._current: Phase | None = None

    @contextmanager
    def phase(self, name: str, total: int | None = None, unit: str = "tables") -> Iterator[Phase]:
        """Time a phase of the audit; phases do not nest."""
        current = Phase(name, total, unit)
        with self._lock:
            self.phases.append(current)
            self._current = current
            self._tell(current)
        start = time.perf_counter()
        try:
            yield current
        finally:
            current.seconds = time.perf_counter() - start

    def set_total(self, total: int) -> None:
        """How many tables the current phase goes through, once it knows."""
        with self._lock:
            if self._current is not None:
                self._current.total = total
                self._tell(self._current)

    def advance(self, item: str = "") -> None:
        """One more table of the current phase done (`item`: its name, or what became of it)."""
        with self._lock:
            if self._current is not None:
                self._current.done += 1
                self._current.last = item
                self._tell(self._current)

    def each(self, items: Sequence[T], name: Callable[[T], str]) -> Iterator[T]:
        """The items (tables) of the current phase, one by one, each counted done once the loop
        has finished with it; they add to the phase's total (a phase may go through several lists)."""
        with self._lock:
            if self._current is not None:
                self._current.total = (self._current.total or 0) + len(items)
                self._tell(self._current)
        for item in items:
            yield item
            self.advance(name(item))

    def _tell(self, phase: Phase) -> None:
        if self._listener is not None:
            self._listener(phase)

    def timings(self) -> list[tuple[str, float, str]]:
        """(phase, seconds, what it went through: "463 tables", or "") of every phase so far."""
        return [(p.name, p.seconds, f"{p.total:,} {p.unit}" if p.total is not None else "")
                for p in self.phases]
