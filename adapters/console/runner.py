"""Start the console chat: interactive on a terminal, a script of lines otherwise."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.console import Console

from adapters.console.chat import ConsoleChat
from adapters.console.session import ConsoleSession, ReadLine
from bot.runtime import Runtime
from bot.terminal import literal

T = TypeVar("T")


async def _in_daemon_thread(read: Callable[[], T]) -> T:
    """A blocking read in a thread of its own that does not keep the process alive: asyncio's
    worker threads are waited for at exit, so one still waiting for a line would stop a SIGTERM
    from ending the process."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if not future.done():
            future.set_exception(error) if error is not None else future.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result, error = read(), None
        except BaseException as raised:  # handed to the awaiting task, not swallowed
            result, error = None, raised
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:
            pass  # the loop has closed: nobody waits for this line any more

    threading.Thread(target=work, name="console-input", daemon=True).start()
    return await future


class _StdinLines:
    """Lines of standard input read straight from its file descriptor, so the thread that waits
    for one holds no lock of Python's own stdin object (which the interpreter needs at exit)."""

    def __init__(self) -> None:
        self.pending = b""
        self.ended = False

    def readline(self) -> str:
        try:
            descriptor = sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):  # replaced by something without a file
            return sys.stdin.readline()
        while b"\n" not in self.pending and not self.ended:
            chunk = os.read(descriptor, 65536)
            self.pending += chunk
            self.ended = not chunk
        line, newline, self.pending = self.pending.partition(b"\n")
        return (line + newline).decode("utf-8", errors="replace")


def _reader(console: Console, interactive: bool) -> ReadLine:
    stdin = _StdinLines()
    if interactive:
        _line_editing()

    async def read_line(prompt: str) -> str | None:
        if interactive:
            try:
                # Text, not a str: rich would read "[kept text]" in a prompt as markup and drop it.
                return await _in_daemon_thread(lambda: console.input(literal(prompt)))
            except EOFError:
                return None
        line = await _in_daemon_thread(stdin.readline)
        if not line:
            return None
        console.print(literal(prompt + line.rstrip(), style="bold"))
        return line

    return read_line


def _line_editing() -> None:
    """Arrow keys, history and word moves for typed lines: input() uses readline once loaded."""
    try:
        import readline  # noqa: F401  (loading it is what turns line editing on)
    except ImportError:  # Windows without pyreadline: plain lines still work
        pass


def _until_stop_requested(read_line: ReadLine, runtime: Runtime) -> ReadLine:
    """`read_line`, but ending the input (None) once the process is asked to stop."""

    async def read(prompt: str) -> str | None:
        if runtime.stopping.is_set():
            return None
        reading = asyncio.ensure_future(read_line(prompt))
        stop = asyncio.ensure_future(runtime.until_stop_requested())
        try:
            await asyncio.wait({reading, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if reading.done():
            return reading.result()
        reading.cancel()
        return None

    return read


async def run_console(runtime: Runtime) -> None:
    """The console adapter's entry point (registered as `console`): until /quit, the end of the
    input, or a stop (SIGTERM, SIGINT), which lets the line in hand finish within the grace."""
    options = runtime.options
    interactive = options.get("interactive", sys.stdin.isatty())
    console: Console = options.get("console") or Console(width=None if interactive else 100)
    read_line: ReadLine = options.get("read_line") or _reader(console, interactive)
    config = runtime.config.console
    chat = ConsoleChat(console, Path(options.get("export_dir", Path.cwd() / "exports")))
    bot = runtime.build_bot(chat, config.review_channel, config.coordinator_channel, "console")
    runtime.up("console")
    session = ConsoleSession(
        bot,
        chat,
        runtime.roles,
        _until_stop_requested(read_line, runtime),
        options.get("user") or config.user,
    )
    running = asyncio.ensure_future(session.run())
    stop = asyncio.ensure_future(runtime.until_stop_requested())
    try:
        await asyncio.wait({running, stop}, return_when=asyncio.FIRST_COMPLETED)
        if not running.done() and await runtime.finish({running}, "console work"):
            running.cancel()  # the grace period is over
            await asyncio.wait({running})
            return
        await running
    finally:
        stop.cancel()
        running.cancel()
