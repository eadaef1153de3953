"""What travels between the bot and its SQLite writer process: frames, rows, calls and errors.

A frame is a 4-byte big-endian length and a pickle. Rows cross as `SqlRow` (sqlite3.Row does not
pickle), errors as themselves when they survive a round trip through pickle, else as an
OperationalError naming them, and the hot write operations as `RemoteCall`: a module-level
function and its arguments, which either writer runs — the thread calls it on its connection, the
process ships it whole to the child.
"""

from __future__ import annotations

import pickle
import socket
import sqlite3
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_LENGTH = struct.Struct("!I")
HEADER = _LENGTH.size


@dataclass(frozen=True, slots=True)
class RemoteCall:
    """`function(connection, *args)` for a function defined at a module's top level (so that it
    pickles by name) with picklable arguments."""

    function: Callable[..., Any]
    args: tuple[Any, ...]

    def __call__(self, connection: Any) -> Any:
        return self.function(connection, *self.args)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt by its constructor: a slotted frozen dataclass otherwise pickles through
        # Python-level getstate/setstate, 1-1.5 us more per call each way (every hot write).
        return RemoteCall, (self.function, self.args)


class SqlRow:
    """A row that pickles: read by column name or position, like sqlite3.Row."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if not isinstance(key, str):
            return self._values[key]
        if key in self._names:
            return self._values[self._names.index(key)]
        folded = key.casefold()  # as sqlite3.Row, a name matches whatever its case
        for name, value in zip(self._names, self._values, strict=True):
            if name.casefold() == folded:
                return value
        raise IndexError(f"no column named {key!r}")

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SqlRow):
            return (self._names, self._values) == (other._names, other._values)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        return self._names, self._values

    def __setstate__(self, state: tuple[tuple[str, ...], tuple[Any, ...]]) -> None:
        self._names, self._values = state

    def __repr__(self) -> str:
        return f"SqlRow({dict(zip(self._names, self._values, strict=True))!r})"


def portable(value: Any) -> Any:
    """`value` with every sqlite3.Row in it (at the top, or inside tuples, lists and dicts) as
    SqlRow."""
    if isinstance(value, sqlite3.Row):
        return SqlRow(tuple(value.keys()), tuple(value))
    if isinstance(value, tuple):
        return tuple(portable(item) for item in value)
    if isinstance(value, list):
        return [portable(item) for item in value]
    if isinstance(value, dict):
        return {key: portable(item) for key, item in value.items()}
    return value


def sendable(outcomes: list[tuple[Any, BaseException | None]]) -> list[tuple[Any, Any]]:
    """Outcomes that pickle: one whose result does not is its caller's OperationalError, saying
    its write was stored (the group committed) but its answer could not be sent."""
    checked = []
    for result, error in outcomes:
        try:
            pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as failure:
            result, error = (
                None,
                sqlite3.OperationalError(
                    f"the write was stored, but its result could not be sent back ({failure})"
                ),
            )
        checked.append((result, error))
    return checked


def portable_error(error: BaseException) -> BaseException:
    """`error` if it comes through pickle whole, else an OperationalError that names it."""
    try:
        copy = pickle.loads(pickle.dumps(error))
    except Exception:
        copy = None
    if type(copy) is type(error) and str(copy) == str(error):
        return error
    return sqlite3.OperationalError(f"{type(error).__name__}: {error}")


def frame(message: Any) -> bytes:
    """A message as one frame."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(payload)) + payload


def length_of(header: bytes) -> int:
    """The payload length a frame's header announces."""
    return int(_LENGTH.unpack(header)[0])


def send(sock: socket.socket, message: Any) -> None:
    """Send one message on a blocking socket."""
    sock.sendall(frame(message))


def receive(sock: socket.socket) -> Any:
    """The next message on a blocking socket; EOFError when the other side has closed it."""
    payload = _exactly(sock, length_of(_exactly(sock, HEADER)))
    return pickle.loads(payload)


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class FrameBuffer:
    """Frames reassembled from a non-blocking socket's bytes as they arrive."""

    def __init__(self) -> None:
        self._data = bytearray()

    def feed(self, data: bytes) -> None:
        self._data += data

    def messages(self) -> list[Any]:
        """Every complete message received so far, in order (taken out of the buffer)."""
        found, start = [], 0
        while len(self._data) - start >= HEADER:
            size = length_of(bytes(self._data[start : start + HEADER]))
            if len(self._data) - start - HEADER < size:
                break
            payload = bytes(self._data[start + HEADER : start + HEADER + size])
            start += HEADER + size
            found.append(pickle.loads(payload))
        del self._data[:start]
        return found
