"""The SQLite writer process: the one write connection, serving the bot over two sockets.

Run by `ProcessWriter` (writer_process.py) as
`python -m taskbank.store.sqlite.writer_child PATH SYNCHRONOUS FAST_FD PROXY_FD`.

- The *fast* socket brings groups of `RemoteCall`s (the claim and the submit). Whatever has
  arrived when the child is free runs as one transaction — each call inside a savepoint of its own
  unless it writes with one statement at most — and every caller's outcome goes back in one frame
  after the commit.
- The *proxy* socket brings single statements from the bot's writer thread, which runs every
  other write (closures and shared operations) as it always has, with this connection standing
  in for its own. While that thread holds a transaction open, only its statements run here.

The child has its own GIL, so its SQL runs while the bot's event loop runs Python: with the writer
a thread of the bot, each `sqlite3` call gave the GIL up and then waited for the loop to give it
back (benchmarks/gil_convoy.py). When the fast socket closes the child closes the database and
exits; an uncommitted group was never acknowledged. It ignores SIGINT and SIGTERM, which a
terminal's Ctrl-C or a stop of the process group sends it too: the bot decides when it ends.
"""

from __future__ import annotations

import selectors
import signal
import socket
import sqlite3
import sys
import time
from collections import deque
from typing import Any

from taskbank.store.sqlite.connection import connect_writer, migrate, run_group
from taskbank.store.sqlite.wire import (
    FrameBuffer,
    frame,
    portable,
    portable_error,
    send,
    sendable,
)

MAX_GROUP = 256
FAST, PROXY = "fast", "proxy"


class Child:
    """The serving loop of the writer process."""

    def __init__(self, connection: sqlite3.Connection, fast: socket.socket, proxy: socket.socket):
        self.connection = connection
        self.sockets = {FAST: fast, PROXY: proxy}
        self.buffers = {FAST: FrameBuffer(), PROXY: FrameBuffer()}
        self.waiting: dict[str, deque[Any]] = {FAST: deque(), PROXY: deque()}
        self.closed: set[str] = set()
        self.transactions = self.operations = 0
        self.cpu_seconds = 0.0

    def serve(self) -> None:
        """Answer both sockets until the fast one closes."""
        selector = selectors.DefaultSelector()
        for name, sock in self.sockets.items():
            selector.register(sock, selectors.EVENT_READ, name)
        while FAST not in self.closed:
            runnable = bool(self.waiting[PROXY]) or (
                bool(self.waiting[FAST]) and not self.connection.in_transaction
            )
            ready = selector.select(0 if runnable else None)
            for key, _ in ready:
                self._read(key.data, selector)
            if self.waiting[PROXY]:
                self._answer_statement(self.waiting[PROXY].popleft())
            elif self.waiting[FAST] and not self.connection.in_transaction:
                self._run_groups()
            elif PROXY in self.closed and self.connection.in_transaction:
                self.connection.execute("ROLLBACK")  # the thread went away mid-transaction

    def _read(self, name: str, selector: selectors.BaseSelector) -> None:
        sock = self.sockets[name]
        try:
            data = sock.recv(1 << 20)
        except ConnectionError:
            data = b""
        if not data:
            self.closed.add(name)
            selector.unregister(sock)
            return
        self.buffers[name].feed(data)
        self.waiting[name].extend(self.buffers[name].messages())

    def _run_groups(self) -> None:
        """Everything waiting on the fast socket (up to MAX_GROUP calls) in one transaction."""
        waiting, pieces, count = self.waiting[FAST], [], 0
        while waiting and count < MAX_GROUP:
            pieces.append(waiting.popleft())
            count += len(pieces[-1])
        began = time.thread_time()
        outcomes, committed = run_group(
            self.connection, [item for piece in pieces for item in piece]
        )
        if committed:
            self.transactions += 1
            self.operations += count
        self.cpu_seconds += time.thread_time() - began
        answers, at = [], 0
        for piece in pieces:
            answers.append(
                [
                    (portable(result), None if error is None else portable_error(error))
                    for result, error in outcomes[at : at + len(piece)]
                ]
            )
            at += len(piece)
        counts = (self.transactions, self.operations, self.cpu_seconds)
        try:
            data = frame(("done", answers, *counts))
        except Exception:  # a result that does not pickle is its own caller's error only
            data = frame(("done", [sendable(outcomes) for outcomes in answers], *counts))
        self.sockets[FAST].sendall(data)

    def _answer_statement(self, message: tuple[Any, ...]) -> None:
        """One statement for the bot's writer thread: its rows, counts and the transaction state."""
        connection, kind = self.connection, message[0]
        try:
            if kind == "execute":
                cursor = connection.execute(message[1], message[2])
            elif kind == "executemany":
                cursor = connection.executemany(message[1], message[2])
            else:
                cursor = connection.executescript(message[1])
            found = cursor.fetchall()
            names = None if cursor.description is None else tuple(d[0] for d in cursor.description)
            reply: tuple[Any, ...] = (
                "ok",
                names,
                [tuple(row) for row in found],
                cursor.rowcount,
                cursor.lastrowid,
                connection.in_transaction,
            )
        except Exception as error:
            reply = ("error", portable_error(error), connection.in_transaction)
        try:
            send(self.sockets[PROXY], reply)
        except OSError:  # the thread went away; its transaction is rolled back above
            self.closed.add(PROXY)


def main(argv: list[str]) -> int:
    """Open and migrate the database, say so on the fast socket, then serve."""
    path, synchronous, fast_fd, proxy_fd = argv
    # A Ctrl-C at the terminal, or a stop sent to the whole process group, is the bot's to
    # handle: it finishes what it acknowledged and then closes the sockets, which ends this.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    fast = socket.socket(fileno=int(fast_fd))
    proxy = socket.socket(fileno=int(proxy_fd))
    try:
        connection = connect_writer(path, synchronous)  # type: ignore[arg-type]
        applied = migrate(connection)
    except BaseException as error:
        send(fast, ("failed", portable_error(error)))
        return 1
    send(fast, ("ready", applied))
    try:
        Child(connection, fast, proxy).serve()
    except (BrokenPipeError, ConnectionError):
        pass  # the bot went away: what was committed stays, the rest was never acknowledged
    finally:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
