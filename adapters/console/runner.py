"""Start the console chat: interactive on a terminal, a script of lines otherwise."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from rich.console import Console

from adapters.console.chat import ConsoleChat
from adapters.console.session import ConsoleSession, ReadLine
from bot.runtime import Runtime
from bot.terminal import literal


def _reader(console: Console, interactive: bool) -> ReadLine:
    async def read_line(prompt: str) -> str | None:
        if interactive:
            try:
                # Text, not a str: rich would read "[kept text]" in a prompt as markup and drop it.
                return await asyncio.to_thread(console.input, literal(prompt))
            except EOFError:
                return None
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return None
        console.print(literal(prompt + line.rstrip(), style="bold"))
        return line

    return read_line


async def run_console(runtime: Runtime) -> None:
    """The console adapter's entry point (registered as `console`)."""
    options = runtime.options
    interactive = options.get("interactive", sys.stdin.isatty())
    console: Console = options.get("console") or Console(width=None if interactive else 100)
    read_line: ReadLine = options.get("read_line") or _reader(console, interactive)
    config = runtime.config.console
    chat = ConsoleChat(console, Path(options.get("export_dir", Path.cwd() / "exports")))
    bot = runtime.build_bot(chat, config.review_channel, config.coordinator_channel, "console")
    session = ConsoleSession(
        bot, chat, runtime.roles, read_line, options.get("user") or config.user
    )
    await session.run()
