"""A batch file's bytes as text, decoded and split a piece at a time.

A 50 MB file decoded, split or copied in one call keeps the GIL for a tenth of a second or more,
and the event loop waits that long even though parsing runs in a worker thread; pieces of a
quarter megabyte, each ending at a line end, keep every step short. The lines are exactly those
of the whole text: a piece ends just after a newline, which is never inside a UTF-8 sequence, a
`\\r\\n` or a line.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from taskbank.errors import Problem, ValidationFailed

PIECE_BYTES = 256 * 1024


def file_problem(path: Path, limit: int, name: str, what: str = "a batch file") -> bytes | Problem:
    """A file's bytes, or the problem with it: only a regular file is read (`/dev/zero` never
    ends, a named pipe waits for a writer; it is opened without waiting and checked once open),
    and never more than one byte past `limit`."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return Problem("file", f"does not exist; expected {what}", name)
    except OSError as error:
        return Problem("file", f"cannot be read ({error.strerror or error})", name)
    info = os.fstat(descriptor)  # of what was opened, not what the name points at now
    if not stat.S_ISREG(info.st_mode):  # checked before fdopen, which refuses a folder itself
        os.close(descriptor)
        return Problem(
            "file", f"is not a regular file (a device, pipe or folder); give {what}", name
        )
    with os.fdopen(descriptor, "rb") as file:
        if info.st_size > limit:  # refused before it is read into memory
            return Problem(
                "file", f"is {info.st_size:,} bytes; at most {limit:,} are accepted", name
            )
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew while it was read
        return Problem("file", f"is over {limit:,} bytes; at most {limit:,} are accepted", name)
    return data


def read_file(path: Path, limit: int, name: str, what: str = "a batch file") -> bytes:
    """`file_problem`'s bytes, or its problem raised as ValidationFailed."""
    read = file_problem(path, limit, name, what)
    if isinstance(read, Problem):
        raise ValidationFailed([read])
    return read


def is_blank(data: bytes) -> bool:
    """Whether the bytes hold nothing but ASCII whitespace (as `not data.strip()`, uncopied)."""
    return not data or data.isspace()


def decoded_pieces(data: bytes, name: str) -> list[str]:
    """The file's text (UTF-8, a leading BOM dropped) in pieces that each end at a line end, or
    ValidationFailed locating the first byte that is not UTF-8."""
    wide = wide_problem(data, name)
    if wide is not None:  # every other byte NUL: "byte 0xff is not UTF-8" would not say why
        raise ValidationFailed([wide])
    pieces = []
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    while start < len(data):
        newline = data.find(b"\n", min(start + PIECE_BYTES, len(data)) - 1)
        end = len(data) if newline < 0 else newline + 1
        try:
            pieces.append(data[start:end].decode("utf-8"))
        except UnicodeDecodeError as error:
            raise not_utf8(data, start + error.start, name) from None
        start = end
    return pieces


_WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes are text in one (by its byte-order mark, or, without
    one, NULs beside each of the first two characters, as `{"` or `id` is written: three for
    UTF-32, one for UTF-16), else None."""
    for mark, name in _WIDE_MARKS:
        if data.startswith(mark):
            return name
    wide = data[:8]
    if len(wide) == 8 and wide[0] and wide[4] and not any(wide[1:4] + wide[5:8]):
        return "UTF-32"
    if len(wide) == 8 and wide[3] and wide[7] and not any(wide[0:3] + wide[4:7]):
        return "UTF-32"
    head = data[:4]
    if len(head) == 4 and 0 not in (head[0], head[2]) and head[1] == head[3] == 0:
        return "UTF-16"
    if len(head) == 4 and 0 not in (head[1], head[3]) and head[0] == head[2] == 0:
        return "UTF-16"
    return None


def wide_problem(data: bytes, name: str) -> Problem | None:
    """The problem of a file saved as UTF-16 or UTF-32 (see `wide_encoding`), or None."""
    wide = wide_encoding(data)
    if wide is None:
        return None
    return Problem("encoding", f"is {wide} text, not UTF-8; save the file as UTF-8", f"{name}:1")


def not_utf8(data: bytes, position: int, name: str) -> ValidationFailed:
    """The refusal of a file whose byte at `position` is not UTF-8, with its line and column."""
    line = data.count(b"\n", 0, position) + 1
    column = position - (data.rfind(b"\n", 0, position) + 1) + 1
    return ValidationFailed(
        [
            Problem(
                "encoding",
                f"byte 0x{data[position]:02x} at column {column} is not UTF-8; save the file as UTF-8",
                f"{name}:{line}",
            )
        ]
    )


def json_lines(pieces: Iterable[str]) -> Iterator[str]:
    """The text's lines split on \\n (and \\r\\n) only: U+2028, U+2029, U+0085, form feeds and
    the like are legal inside JSON strings, so str.splitlines() would cut tasks apart. As
    `text.split("\\n")`, a text ending in a newline ends in an empty line."""
    last = ""
    for piece in pieces:
        lines = piece.split("\n")
        last = lines.pop()  # "" after a piece's closing newline; the file's last line otherwise
        for line in lines:
            yield line.removesuffix("\r")
    yield last.removesuffix("\r")


def csv_lines(pieces: Iterable[str]) -> Iterator[str]:
    """The text's lines as the csv module reads a file opened with newline="": split after \\n,
    \\r or \\r\\n, each keeping its line end."""
    for piece in pieces:
        yield from io.StringIO(piece, newline="")
