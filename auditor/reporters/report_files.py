"""The report files of one audit, written as a set: every one of them, or none.

Each report is first written to a temporary file beside its target (`.NAME.XXXXXXXX.tmp`, in the
same directory, so that the rename cannot cross a file system); once every one is written, each is
renamed over its target. A report that cannot be written (its directory missing or read-only, a full
disk, a directory in its place) removes the temporary files: no partial set is left, and the reports
of an earlier run stay as they were. A target that exists and is no regular file (`/dev/stdout`, a
FIFO) cannot be renamed over: it is rendered in memory first and written in place, after the renames.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from auditor.errors import AuditorError
from auditor.reporters import REPORTERS


@dataclass
class _Pending:
    fmt: str
    target: Path  # as given
    final: str  # the file renamed over: the target, its links followed
    temporary: str | None = None  # the rendered report, until it is renamed over `final`
    in_place: str | None = None  # a special file's report, rendered in memory


def _render(fmt: str, target: Path, result: Any, stream: TextIO) -> None:
    jsonl = fmt == "notes_rows" and target.suffix == ".jsonl"
    REPORTERS[f"{fmt}_jsonl" if jsonl else fmt](result, stream)


def _error(fmt: str, target: Path, err: OSError) -> AuditorError:
    return AuditorError(f"cannot write the {fmt.upper()} report ({err.strerror})", file=str(target))


def _temporary(final: str) -> tuple[str, int]:
    """A new file beside `final`, created with the mode a plain open would give it (umask applied):
    its path and an open descriptor."""
    directory, name = os.path.split(final)
    while True:
        path = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _prepare(fmt: str, target: Path, result: Any) -> _Pending:
    """The report rendered: to a temporary file beside its target, or in memory for a special file."""
    try:
        mode: int | None = os.stat(target).st_mode  # links followed
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    if mode is not None and not stat.S_ISREG(mode):  # /dev/stdout, a FIFO: written in place, last
        buffer = io.StringIO()
        _render(fmt, target, result, buffer)
        return _Pending(fmt, target, str(target), in_place=buffer.getvalue())
    final = os.path.realpath(target)  # a link to a report stays a link: the file it names is replaced
    temporary, fd = _temporary(final)
    try:
        if fmt == "record" and target.suffix.lower() == ".xlsx":  # a workbook: written by openpyxl
            os.close(fd)
            from auditor.reporters.record_of_processing import write_xlsx

            write_xlsx(result, temporary)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                _render(fmt, target, result, stream)
        if mode is not None:  # the report of an earlier run keeps its permissions
            os.chmod(temporary, stat.S_IMODE(mode))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return _Pending(fmt, target, final, temporary=temporary)


def write_reports(outputs: dict[str, Path], result: Any) -> None:
    """Write `result` in each format of `outputs` (format -> path), all or none; an AuditorError
    names the first report that could not be written."""
    done: list[_Pending] = []
    try:
        for fmt, target in outputs.items():
            try:
                done.append(_prepare(fmt, target, result))
            except OSError as err:
                raise _error(fmt, target, err) from None
        for pending in done:
            if pending.temporary is not None:
                try:
                    os.replace(pending.temporary, pending.final)
                except OSError as err:
                    raise _error(pending.fmt, pending.target, err) from None
                pending.temporary = None
    except BaseException:
        for pending in done:
            if pending.temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(pending.temporary)
        raise
    for pending in done:
        if pending.in_place is not None:
            try:
                with open(pending.target, "w", encoding="utf-8") as stream:
                    stream.write(pending.in_place)
            except OSError as err:
                raise _error(pending.fmt, pending.target, err) from None
