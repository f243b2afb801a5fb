"""Read a user's text file whatever its encoding, with a clear error when it cannot be read."""

from __future__ import annotations

from pathlib import Path

from auditor.errors import SourceError


def read_text(path: Path) -> tuple[str, str | None]:
    """Return (text, note). The note says when the file was not UTF-8 and how it was decoded."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise SourceError("is a directory, expected a file", file=str(path)) from None
    except OSError as err:
        raise SourceError(f"cannot read file ({err.strerror})", file=str(path)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "file is UTF-16; decoded as such"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return data.decode("cp1252", errors="replace"), (
            f"not valid UTF-8 (first bad byte on line {line}); decoded as Windows-1252")
