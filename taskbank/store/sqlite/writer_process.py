"""The SQLite writer in a process of its own, so that its SQL runs beside the event loop.

With the writer a thread of the bot's process, the loop and the writer share one GIL: each
`sqlite3` call gives it up and then waits for the loop to give it back, so the two take turns and
a claim+submit costs the loop's Python plus the writer's SQL, one after the other
(benchmarks/gil_convoy.py). `ProcessWriter` keeps the connection in a child process
(writer_child.py) and the two hot operations — the claim and the submit, `RemoteCall`s — travel
there whole: the event loop hands over what asked to write every `HAND_OVER` calls and at the end
of each turn, the child runs whatever has arrived as one group, commits, and answers every caller
in one frame. Each caller still hears back only after the commit.

Every other write (batch creation, reviews, the outbox … closures and shared operations over a
connection) runs as before on a `GroupCommitWriter` thread, whose connection is a `ProxyConnection`
sending each statement to the child: one connection writes, so the guarantees are the thread
writer's. Those writes are rare and pay a round trip per statement.

The child exits when the bot closes the sockets, or dies; when the child dies, every write waiting
on it fails with an error that says so, and so does every later one.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import sqlite3
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import taskbank
from taskbank.store.sqlite.connection import (
    GroupCommitWriter,
    Operation,
    Synchronous,
    _settle_one,
)
from taskbank.store.sqlite.wire import FrameBuffer, RemoteCall, SqlRow, frame, receive, send

T = TypeVar("T")
HAND_OVER = 16  # calls per piece: the child starts on one piece while the loop makes the next
CHUNK = 2_000  # argument tuples per frame of a proxied executemany
_STOP_SECONDS = 60
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]);"
    " from taskbank.store.sqlite.writer_child import main; sys.exit(main(sys.argv[2:]))"
)


class WriterStopped(sqlite3.OperationalError):
    """The writer process is gone: nothing more can be written until Taskbot restarts."""


class ProcessWriter:
    """GroupCommitWriter's interface, with the connection in a child process."""

    def __init__(self, path: Path, synchronous: Synchronous, max_group: int = 256) -> None:
        self._path = path
        self._synchronous = synchronous
        self._max_group = max_group
        self._process: subprocess.Popen[bytes] | None = None
        self._transport: asyncio.Transport | None = None
        self._replies: _Replies | None = None
        self._thread: GroupCommitWriter | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._batch: list[tuple[RemoteCall, bool, asyncio.Future[Any]]] = []
        self._exit_code: int | None = None
        self._closing = False  # stop() has begun: writes are refused, not left unanswered
        self.migrations_applied: list[int] = []
        # Called on the loop after callers are answered (auto_writer.py listens).
        self.on_answered: Callable[[], None] | None = None

    @property
    def transactions(self) -> int:
        counted = self._replies.counts[0] if self._replies else 0
        return counted + (self._thread.transactions if self._thread else 0)

    @property
    def operations(self) -> int:
        counted = self._replies.counts[1] if self._replies else 0
        return counted + (self._thread.operations if self._thread else 0)

    @property
    def cpu_seconds(self) -> float:
        """The child's CPU time running groups, and the proxy thread's running the rest."""
        counted = self._replies.counts[2] if self._replies else 0.0
        return counted + (self._thread.cpu_seconds if self._thread else 0.0)

    async def start(self) -> None:
        """Start the child, which opens and migrates the file, then the proxy thread."""
        loop = self._loop = asyncio.get_running_loop()
        fast, fast_child = socket.socketpair()
        proxy, proxy_child = socket.socketpair()
        try:
            self._process = _spawn(self._path, self._synchronous, fast_child, proxy_child)
        finally:
            fast_child.close()
            proxy_child.close()
        try:
            replies = _Replies(loop, self._exit, self._answered)
            transport, _ = await loop.create_connection(lambda: replies, sock=fast)
            self._transport, self._replies = transport, replies  # type: ignore[assignment]
            self.migrations_applied = await replies.ready
            self._thread = GroupCommitWriter(
                self._path,
                self._synchronous,
                self._max_group,
                opener=lambda: ProxyConnection(proxy),
            )
            self._thread.on_answered = self._answered
            await self._thread.start()
        except BaseException:
            proxy.close()
            await self._close_child()
            raise

    async def stop(self) -> None:
        """Finish what is queued, then let the child close the database and exit."""
        if self._process is None:
            return
        self._closing = True
        try:
            if self._thread is not None:
                await self._thread.stop()  # closes the proxy socket
            self._hand_over()
            if self._replies is not None and self._replies.outstanding:
                waiting = [future for futures in self._replies.outstanding for future in futures]
                await asyncio.wait(waiting, timeout=_STOP_SECONDS)
        finally:
            await self._close_child()

    async def run(self, operation: Operation[T], *, savepoint: bool = True) -> T:
        """Run one operation in the next group; returns once its transaction has committed (see
        GroupCommitWriter.run). A RemoteCall runs in the child whole; anything else on the
        proxy thread."""
        if self._loop is None:
            raise RuntimeError("the store is not open")
        future: asyncio.Future[T] = self._loop.create_future()
        self.enqueue(operation, savepoint, future)
        return await future

    def enqueue(self, operation: Operation[T], savepoint: bool, future: asyncio.Future[T]) -> None:
        """Queue one operation; `future` gets its outcome after the commit."""
        if self._replies is not None and self._replies.stopped is not None:
            raise WriterStopped(str(self._replies.stopped))
        if self._loop is None or self._thread is None or self._closing:
            raise RuntimeError("the store is not open")
        if not isinstance(operation, RemoteCall):
            self._thread.enqueue(operation, savepoint, future)
            return
        if not self._batch:
            self._loop.call_soon(self._hand_over)
        self._batch.append((operation, savepoint, future))
        if len(self._batch) >= HAND_OVER:
            self._hand_over()

    @property
    def stopped(self) -> bool:
        """Whether the child has gone (every write to it fails from then on)."""
        return self._replies is not None and self._replies.stopped is not None

    def pending(self) -> int:
        """Operations queued, sent or running that have not been answered yet."""
        sent = sum(map(len, self._replies.outstanding)) if self._replies else 0
        return len(self._batch) + sent + (self._thread.pending() if self._thread else 0)

    def flush(self) -> None:
        """Send what is queued now, not at the end of the loop's turn."""
        self._hand_over()
        if self._thread is not None:
            self._thread.flush()

    def _answered(self) -> None:
        if self.on_answered is not None:
            self.on_answered()

    def _hand_over(self) -> None:
        batch, self._batch = self._batch, []
        if not batch or self._transport is None or self._replies is None:
            return
        try:
            data = frame([(call, savepoint) for call, savepoint, _ in batch])
        except Exception:  # an argument that does not pickle: its own caller's error only
            batch = _picklable(batch)
            data = frame([(call, savepoint) for call, savepoint, _ in batch])
        futures = [future for _, _, future in batch]
        if self._replies.stopped is not None:
            for future in futures:
                _settle_one(future, None, self._replies.stopped)
            self._answered()  # they are no longer pending: a change of sides may wait on that
            return
        self._replies.outstanding.append(futures)
        self._transport.write(data)

    def _exit(self) -> str:
        code = self._exit_code if self._process is None else self._process.poll()
        return "it closed its socket" if code is None else f"exit code {code}"

    async def _close_child(self) -> None:
        process, self._process = self._process, None
        if self._transport is not None:
            self._transport.close()
        if process is not None:
            try:
                self._exit_code = await asyncio.to_thread(process.wait, _STOP_SECONDS)
            except subprocess.TimeoutExpired:  # it stopped answering: what it holds was never
                process.kill()  # acknowledged, and what it committed stays
                self._exit_code = await asyncio.to_thread(process.wait)
            except BaseException:
                process.kill()
                raise


class _Replies(asyncio.Protocol):
    """The fast socket's bot side: the child's first word (`ready`), then each piece's outcomes,
    settled in the order the pieces were sent, straight from the bytes as they arrive."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        exit_status: Callable[[], str],
        answered: Callable[[], None],
    ) -> None:
        self.ready: asyncio.Future[list[int]] = loop.create_future()
        self.outstanding: deque[list[asyncio.Future[Any]]] = deque()
        self.counts: tuple[int, int, float] = (
            0,
            0,
            0.0,
        )  # the child's transactions, operations, CPU
        self.stopped: WriterStopped | None = None
        self._buffer = FrameBuffer()
        self._exit_status = exit_status
        self._answered = answered

    def data_received(self, data: bytes) -> None:
        self._buffer.feed(data)
        for message in self._buffer.messages():
            if message[0] == "ready":
                self.ready.set_result(message[1])
            elif message[0] == "failed":
                self.ready.set_exception(message[1])
            else:
                _, answers, *counts = message
                for outcomes in answers:
                    for future, (result, error) in zip(
                        self.outstanding.popleft(), outcomes, strict=True
                    ):
                        _settle_one(future, result, error)
                self.counts = tuple(counts)  # type: ignore[assignment]
                self._answered()

    def connection_lost(self, exc: Exception | None) -> None:
        status = self._exit_status()
        self.stopped = WriterStopped(
            f"the SQLite writer process stopped ({status}); restart Taskbot"
        )
        if not self.ready.done():
            self.ready.set_exception(
                WriterStopped(f"the SQLite writer process did not start ({status})")
            )
        # Sent, but never answered: the child may have committed before it went.
        unknown = WriterStopped(
            f"the SQLite writer process stopped ({status}) before it answered: this write may or"
            " may not have been stored; restart Taskbot"
        )
        for futures in self.outstanding:
            for future in futures:
                _settle_one(future, None, unknown)
        self.outstanding.clear()
        self._answered()


def _picklable(
    batch: list[tuple[RemoteCall, bool, asyncio.Future[Any]]],
) -> list[tuple[RemoteCall, bool, asyncio.Future[Any]]]:
    """The calls of `batch` that pickle; each other one fails its own caller."""
    kept = []
    for call, savepoint, future in batch:
        try:
            frame(call)
        except Exception as error:
            _settle_one(future, None, error)
        else:
            kept.append((call, savepoint, future))
    return kept


def _spawn(
    path: Path, synchronous: Synchronous, fast: socket.socket, proxy: socket.socket
) -> subprocess.Popen[bytes]:
    """The child, started on the same interpreter with the same taskbank on its path."""
    # -P: nothing in the bot's working directory shadows a module in the child; the folder the
    # bot's own taskbank came from goes first on its path, so the child runs the same code.
    home = str(Path(taskbank.__file__).resolve().parent.parent)
    arguments = [str(path), synchronous, str(fast.fileno()), str(proxy.fileno())]
    return subprocess.Popen(
        [sys.executable, "-P", "-c", _BOOT, home, *arguments],
        pass_fds=(fast.fileno(), proxy.fileno()),
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a terminal's Ctrl-C is the bot's to handle, not the child's
    )


class ProxyCursor:
    """A statement's outcome, read out in the child: its rows, count and last row id."""

    def __init__(self, found: list[SqlRow], rowcount: int, lastrowid: int | None) -> None:
        self._rows = found
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchall(self) -> list[SqlRow]:
        found, self._rows = self._rows, []
        return found

    def fetchone(self) -> SqlRow | None:
        return self._rows.pop(0) if self._rows else None

    def __iter__(self) -> Any:
        return iter(self.fetchall())


class ProxyConnection:
    """The writer thread's stand-in for the connection the child holds: each statement a round
    trip on the proxy socket, answered with everything it returned."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.in_transaction = False

    def execute(self, sql: str, parameters: Any = ()) -> ProxyCursor:
        return self._ask(("execute", sql, parameters))

    def executemany(self, sql: str, parameters: Iterable[Any]) -> ProxyCursor:
        rowcount, lastrowid, rows = 0, None, iter(parameters)
        while chunk := list(itertools.islice(rows, CHUNK)):
            cursor = self._ask(("executemany", sql, chunk))
            rowcount, lastrowid = rowcount + cursor.rowcount, cursor.lastrowid
        return ProxyCursor([], rowcount, lastrowid)

    def executescript(self, script: str) -> ProxyCursor:
        return self._ask(("executescript", script))

    def close(self) -> None:
        self._sock.close()

    def _ask(self, message: tuple[Any, ...]) -> ProxyCursor:
        try:
            send(self._sock, message)
            reply = receive(self._sock)
        except (EOFError, OSError) as error:
            raise WriterStopped("the SQLite writer process stopped; restart Taskbot") from error
        if reply[0] == "error":
            self.in_transaction = reply[2]
            raise reply[1]
        _, names, values, rowcount, lastrowid, self.in_transaction = reply
        found = [SqlRow(names, value) for value in values] if names else []
        return ProxyCursor(found, rowcount, lastrowid)
