"""Text from the audited schema (names, comments) made safe for each output: no control
character (ANSI escape sequences would recolour or rewrite a terminal; most C0 characters make an
XML file invalid), no bidirectional override (it reverses what a reader sees), and, for one-line
outputs, a bounded length."""

from __future__ import annotations

import re

# C0 controls but tab/newline, DEL, C1 controls, bidi embeddings/overrides/isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: object, limit: int | None = None) -> str:
    """Unsafe characters replaced by U+FFFD; cut at `limit` characters with an ellipsis."""
    clean = _UNSAFE.sub("\ufffd", str(text))
    if limit is not None and len(clean) > limit:
        return clean[: limit - 1] + "…"
    return clean
