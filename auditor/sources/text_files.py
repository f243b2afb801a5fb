"""Read a user's file: a regular file only, never more than a bound, whatever its encoding, with a
clear error when it cannot be read.

A named pipe, a device or a directory is refused by its type (`os.stat`) before it is opened: a FIFO
would block the audit forever, `/dev/zero` would fill the memory. The files read whole have a size
bound each (a schema file 1 GiB, a YAML file 16 MiB, a baseline 64 MiB): a bigger file is refused
with the bound in the message rather than read into memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from auditor.errors import SourceError

MAX_SCHEMA_FILE = 1 << 30  # a pg_dump with data; a schema-only dump is a few MB
MAX_YAML_FILE = 16 << 20  # configurations, profiles, rules: the largest bundled one is 40 KB
MAX_BASELINE_FILE = 64 << 20  # a baseline entry is ~150 bytes: 400,000 findings

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def size_text(size: int) -> str:
    """1 GiB, 16 MiB, 512 KiB: a bound as the messages show it."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift} {unit}"
    return f"{size} bytes"


def _not_regular(mode: int, path: Path) -> SourceError | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return SourceError(f"is {kind}, not a regular file", file=str(path))


def regular_file(path: Path) -> os.stat_result:
    """The status of `path` (links followed); a SourceError naming it unless it is a regular file:
    not found, a link loop, a directory, a FIFO, a device, a socket."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise SourceError("file not found", file=str(path)) from None
    except OSError as err:
        raise SourceError(f"cannot read file ({err.strerror})", file=str(path)) from None
    problem = _not_regular(status.st_mode, path)
    if problem is not None:
        raise problem
    return status


def read_bytes(path: Path, limit: int, what: str) -> bytes:
    """The whole content of a regular file of at most `limit` bytes (`what` names the kind of file in
    the message about the bound). The type is checked before the file is opened, and again on the
    open file (opened without blocking, should a FIFO have taken its place in between)."""
    regular_file(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            problem = _not_regular(os.fstat(fh.fileno()).st_mode, path)
            if problem is not None:
                raise problem
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise SourceError("file not found", file=str(path)) from None
    except OSError as err:
        raise SourceError(f"cannot read file ({err.strerror})", file=str(path)) from None
    if len(data) > limit:
        raise SourceError(f"file larger than {size_text(limit)}, the limit for {what}", file=str(path))
    return data


def read_text(path: Path, limit: int = MAX_SCHEMA_FILE,
              what: str = "a schema file") -> tuple[str, str | None]:
    """Return (text, note). The note says when the file was not UTF-8 and how it was decoded."""
    data = read_bytes(path, limit, what)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "file is UTF-16; decoded as such"
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), (
                "file starts as UTF-16 but is not valid UTF-16; decoded with the bad bytes replaced")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return data.decode("cp1252", errors="replace"), (
            f"not valid UTF-8 (first bad byte on line {line}); decoded as Windows-1252")
