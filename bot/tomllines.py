"""Where each table, key and array item of a TOML document is written, by line: tomllib gives
values but no positions, so a problem pydantic finds later in the configuration can name its line.

The text is scanned only after tomllib has accepted it, so the scanner trusts its shape rather
than checking it again; every step still moves forward, so odd text cannot make it loop.
"""

from __future__ import annotations

import bisect
import tomllib
from collections.abc import Sequence

KeyPath = tuple[str | int, ...]

_BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_END = frozenset(",]}#\r\n")  # a number, date or boolean runs up to one of these


class TomlLines:
    """The line (from 1) of every table, key and array item of one TOML document, by path: an
    array of tables' items and a plain array's items are numbered from 0, as pydantic does."""

    def __init__(self, text: str) -> None:
        self._text = text.removeprefix("\ufeff")  # the mark takes no line
        self._at = 0
        self._newlines = [at for at, char in enumerate(self._text) if char == "\n"]
        self._lines: dict[KeyPath, int] = {}
        self._defined: set[KeyPath] = set()  # written as a header or key, not only implied
        self._table_arrays: dict[KeyPath, int] = {}  # each [[array]] so far: how many items
        self._document()

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of `path`, else of the nearest table or key above it that is written (a
        missing key: its table's header); None when nothing of it is in the file."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def _note(self, path: KeyPath, line: int, *, defined: bool) -> None:
        """Record where `path` is; a header or key that defines a table wins over an earlier
        line that only implied it (`[a.b]` before `[a]`), else the first mention stays."""
        if path not in self._lines or (defined and path not in self._defined):
            self._lines[path] = line
        if defined:
            self._defined.add(path)

    def _note_key(self, path: KeyPath, line: int) -> None:
        for end in range(1, len(path)):
            self._note(path[:end], line, defined=False)
        self._note(path, line, defined=True)

    def _document(self) -> None:
        table: KeyPath = ()
        while self._skip(newlines=True):
            line = self._line()
            if self._text.startswith("[[", self._at):
                self._at += 2
                array = self._header_path(self._key())
                self._at += 2  # ]]
                index = self._table_arrays.get(array, 0)
                self._table_arrays[array] = index + 1
                table = (*array, index)
                self._note_key(table, line)
                self._note(array, line, defined=True)
            elif self._char() == "[":
                self._at += 1
                table = self._header_path(self._key())
                self._at += 1  # ]
                self._note_key(table, line)
            else:
                self._pair(table)

    def _header_path(self, keys: list[str]) -> KeyPath:
        """A header's keys as a path: a table above it that is an array of tables means that
        array's latest item (`[[a]]` then `[a.b]` is a #last .b)."""
        path: KeyPath = ()
        for position, key in enumerate(keys):
            path = (*path, key)
            if position < len(keys) - 1 and path in self._table_arrays:
                path = (*path, self._table_arrays[path] - 1)
        return path

    def _pair(self, table: KeyPath) -> None:
        line = self._line()
        path = (*table, *self._key())
        self._at += 1  # =
        self._skip(newlines=False)
        self._note_key(path, line)
        self._value(path)

    def _key(self) -> list[str]:
        """A key, bare, quoted or dotted (`a."b c".d`), as its parts, read as tomllib reads them."""
        parts = []
        while True:
            self._skip(newlines=False)
            start, char = self._at, self._char()
            if char == '"':
                self._string('"', escapes=True)
                parts.append(_basic_string(self._text[start : self._at]))
            elif char == "'":
                self._string("'", escapes=False)
                parts.append(self._text[start + 1 : self._at - 1])
            else:
                while self._char() in _BARE_KEY:
                    self._at += 1
                self._at = max(self._at, start + 1)  # always move on
                parts.append(self._text[start : self._at])
            self._skip(newlines=False)
            if self._char() != ".":
                return parts
            self._at += 1

    def _value(self, path: KeyPath) -> None:
        for quotes, escapes in (('"""', True), ("'''", False), ('"', True), ("'", False)):
            if self._text.startswith(quotes, self._at):
                self._string(quotes, escapes=escapes)
                return
        char = self._char()
        if char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            self._at += 1
            while self._char() and self._char() not in _SCALAR_END:
                self._at += 1

    def _array(self, path: KeyPath) -> None:
        self._at += 1
        index = 0
        while self._skip(newlines=True):
            char = self._char()
            if char == "]":
                self._at += 1
                return
            if char == ",":
                self._at += 1
                continue
            self._note((*path, index), self._line(), defined=True)
            self._value((*path, index))
            index += 1

    def _inline_table(self, path: KeyPath) -> None:
        self._at += 1
        while self._skip(newlines=True):
            char = self._char()
            if char == "}":
                self._at += 1
                return
            if char == ",":
                self._at += 1
                continue
            self._pair(path)

    def _string(self, quotes: str, *, escapes: bool) -> None:
        """Past a string of any of the four kinds; a multi-line one may end in up to two more
        quotes than its delimiter (`\"\"\"say "hi"\"\"\"\"` ends with a quote of its own)."""
        text = self._text
        self._at += len(quotes)
        while self._at < len(text):
            if escapes and text[self._at] == "\\":
                self._at += 2
            elif text.startswith(quotes, self._at):
                self._at += len(quotes)
                extra = 0
                while len(quotes) == 3 and extra < 2 and self._char() == quotes[0]:
                    self._at += 1
                    extra += 1
                return
            else:
                self._at += 1

    def _skip(self, *, newlines: bool) -> bool:
        """Past spaces and comments (and line ends, when `newlines`); whether text is left."""
        text, blanks = self._text, " \t\r\n" if newlines else " \t"
        while self._at < len(text):
            if text[self._at] in blanks:
                self._at += 1
            elif text[self._at] == "#":
                end = text.find("\n", self._at)
                self._at = len(text) if end < 0 else end
            else:
                return True
        return False

    def _char(self) -> str:
        return self._text[self._at] if self._at < len(self._text) else ""

    def _line(self) -> int:
        return bisect.bisect_left(self._newlines, self._at) + 1


def _basic_string(quoted: str) -> str:
    """A quoted key as tomllib reads it (`"time\\u005Fzone"` is time_zone); text tomllib would
    refuse, which is never scanned for lines, stays as written."""
    try:
        return tomllib.loads(f"k = {quoted}")["k"]
    except tomllib.TOMLDecodeError:
        return quoted
