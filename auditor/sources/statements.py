"""Split a SQL script into statements, each with the line it starts on.

sqlglot parses a whole file or nothing, so the DDL reader first splits the script here and
then parses statement by statement. The splitter knows the lexical traps of real dumps:

- quoted strings ('…' with '' or backslash escapes), quoted identifiers ("…", `…`, […]);
- PostgreSQL dollar quoting ($$ … $$, $body$ … $body$) around function bodies;
- comments (--, #, /* … */) and MySQL executable comments (/*!40101 … */), which are unwrapped;
- psql meta-commands (\\connect, \\restrict …) and the data rows of COPY … FROM stdin;
- mysql DELIMITER changes, T-SQL GO batch separators, Oracle "/" lines after PL/SQL blocks.

What cannot be split (an unterminated string) is returned as a `SplitError`, and the rest of
the script is still returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPECIAL = re.compile(r"['\"`$\-/#;\n\[\\]")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")
_EXEC_COMMENT = re.compile(r"/\*!\d*")
_COPY_FROM_STDIN = re.compile(r"^\s*COPY\b.*\bFROM\s+stdin\b", re.IGNORECASE | re.DOTALL)
_DELIMITER_LINE = re.compile(r"^[ \t]*DELIMITER[ \t]+(\S+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_BATCH_LINE = re.compile(r"^[ \t]*(GO|/)[ \t]*$", re.IGNORECASE)

BACKSLASH_ESCAPE_DIALECTS = frozenset({"mysql", "mariadb", "bigquery", "spark", "hive", "databricks"})


@dataclass
class Statement:
    text: str
    line: int


@dataclass
class SplitError:
    line: int
    message: str


@dataclass
class SplitResult:
    statements: list[Statement] = field(default_factory=list)
    errors: list[SplitError] = field(default_factory=list)


class _Splitter:
    def __init__(self, sql: str, dialect: str) -> None:
        self.sql = sql
        self.n = len(sql)
        self.pos = 0
        self.line = 1
        self.buf: list[str] = []
        self.start_line: int | None = None
        self.delimiter = ";"
        self.backslash = dialect in BACKSLASH_ESCAPE_DIALECTS
        self.tsql_brackets = dialect in {"tsql", "sqlserver"}
        self.result = SplitResult()

    # -- emitting -----------------------------------------------------------------------
    def _append(self, text: str) -> None:
        if self.start_line is None and text.strip():
            leading = text[: len(text) - len(text.lstrip())]
            self.start_line = self.line + leading.count("\n")
        self.buf.append(text)
        self.line += text.count("\n")

    def _skip(self, text: str) -> None:
        """Consume text that is not part of any statement (comments), keeping line count."""
        self.line += text.count("\n")

    def _emit(self) -> None:
        text = "".join(self.buf).strip()
        if text and self.start_line is not None:
            self.result.statements.append(Statement(text, self.start_line))
            if _COPY_FROM_STDIN.match(text):
                self._skip_copy_data()
        self.buf = []
        self.start_line = None

    def _at_line_start(self) -> bool:
        return self.pos == 0 or self.sql[self.pos - 1] == "\n"

    def _buffer_blank(self) -> bool:
        return not "".join(self.buf).strip()

    # -- line-level constructs ----------------------------------------------------------
    def _skip_copy_data(self) -> None:
        end_of_line = self.sql.find("\n", self.pos)
        if end_of_line == -1:
            return
        self.line += 1
        self.pos = end_of_line + 1
        while self.pos < self.n:
            eol = self.sql.find("\n", self.pos)
            row = self.sql[self.pos: eol if eol != -1 else self.n]
            self.pos = eol + 1 if eol != -1 else self.n
            self.line += 1 if eol != -1 else 0
            if row.rstrip("\r") == "\\.":
                return

    def _line_directive(self) -> bool:
        """Handle psql meta-commands, DELIMITER, GO and '/' lines. True if one was consumed."""
        eol = self.sql.find("\n", self.pos)
        end = eol if eol != -1 else self.n
        row = self.sql[self.pos:end]
        consumed = False
        if row.startswith("\\") and self._buffer_blank():
            consumed = True
        elif (m := _DELIMITER_LINE.match(row)) and self._buffer_blank():
            self.delimiter = m.group(1)
            consumed = True
        elif _BATCH_LINE.match(row):
            self._emit()
            consumed = True
        if consumed:
            self.pos = end
        return consumed

    # -- main loop ----------------------------------------------------------------------
    def run(self) -> SplitResult:
        while self.pos < self.n:
            if self._at_line_start() and self._line_directive():
                continue
            if self.delimiter != ";" and self.sql.startswith(self.delimiter, self.pos):
                self.pos += len(self.delimiter)
                self._emit()
                continue
            m = _SPECIAL.search(self.sql, self.pos)
            if m is None:
                self._append(self.sql[self.pos:])
                self.pos = self.n
                break
            if m.start() > self.pos:
                self._append(self.sql[self.pos:m.start()])
                self.pos = m.start()
                continue
            if not self._special(m.group()):
                return self.result
        self._emit()
        return self.result

    def _special(self, ch: str) -> bool:
        sql, pos = self.sql, self.pos
        if ch == "\n":
            self._append("\n")
            self.pos += 1
        elif ch in "'\"`" or (ch == "[" and self.tsql_brackets):
            return self._quoted(ch)
        elif ch == "$":
            return self._dollar()
        elif (ch == "-" and sql.startswith("--", pos)) or (ch == "#" and self.backslash):
            self._line_comment()
        elif ch == "/" and sql.startswith("/*", pos):
            return self._block_comment()
        elif ch == ";" and self.delimiter == ";":
            self.pos += 1
            self._emit()
        else:
            self._append(ch)
            self.pos += 1
        return True

    def _quoted(self, quote: str) -> bool:
        close = "]" if quote == "[" else quote
        i = self.pos + 1
        while True:
            j = self.sql.find(close, i)
            if self.backslash and quote == "'":
                k = self.sql.find("\\", i)
                if k != -1 and (j == -1 or k < j):
                    i = k + 2
                    continue
            if j == -1:
                return self._unterminated(f"unterminated quoted text {quote}…")
            if self.sql.startswith(close * 2, j) and close != "]":
                i = j + 2
                continue
            self._append(self.sql[self.pos:j + 1])
            self.pos = j + 1
            return True

    def _dollar(self) -> bool:
        m = _DOLLAR_TAG.match(self.sql, self.pos)
        if m is None:
            self._append("$")
            self.pos += 1
            return True
        tag = m.group()
        end = self.sql.find(tag, m.end())
        if end == -1:
            return self._unterminated(f"unterminated dollar-quoted body {tag}")
        self._append(self.sql[self.pos:end + len(tag)])
        self.pos = end + len(tag)
        return True

    def _line_comment(self) -> None:
        eol = self.sql.find("\n", self.pos)
        end = eol if eol != -1 else self.n
        self.pos = end

    def _block_comment(self) -> bool:
        if _EXEC_COMMENT.match(self.sql, self.pos):
            # MySQL executable comment: its content is SQL. Drop the markers, keep the body.
            body_start = _EXEC_COMMENT.match(self.sql, self.pos).end()  # type: ignore[union-attr]
            end = self.sql.find("*/", body_start)
            if end == -1:
                return self._unterminated("unterminated /*! … */ comment")
            inner = self.sql[body_start:end]
            self.sql = self.sql[:self.pos] + " " + inner + " " + self.sql[end + 2:]
            self.n = len(self.sql)
            self.pos += 1
            self._append(" ")
            return True
        end = self.sql.find("*/", self.pos + 2)
        if end == -1:
            return self._unterminated("unterminated /* … */ comment")
        self._skip(self.sql[self.pos:end + 2])
        self._append(" ")
        self.pos = end + 2
        return True

    def _unterminated(self, message: str) -> bool:
        line = self.start_line or self.line
        self.result.errors.append(SplitError(line, f"{message} (the rest of the file is ignored)"))
        self.buf = []
        self.start_line = None
        self.pos = self.n
        return False


def split_statements(sql: str, dialect: str = "postgres") -> SplitResult:
    """Split `sql` into statements with their starting line.

    >>> [(s.line, s.text) for s in split_statements("SELECT 1;\\n-- x\\nSELECT ';';").statements]
    [(1, 'SELECT 1'), (3, "SELECT ';'")]
    """
    return _Splitter(sql.replace("\r\n", "\n"), dialect).run()
