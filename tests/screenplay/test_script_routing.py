"""`/batch import` with a screenplay attached goes to the script import: through the dispatcher
with a file the chat fetches lazily, and through the console's typed options."""

from __future__ import annotations

import subprocess
import sys

from bot.app import Taskbot
from bot.events import Actor, Attachment, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from taskbank.sample_scripts import script_file
from tests.fake_chat import FakeChat

COORDINATOR = Actor("test", "cora")
WRITER = Actor("test", "wendy")
OPTIONS = ("template=dialogue_tone", "unit=scene", "pay=40", "name=ns")


def bot_for(bank) -> tuple[Taskbot, FakeChat]:
    chat = FakeChat()
    roles = Roles(writers=("*",), coordinators=("test:cora",))
    return Taskbot(BotContext(bank, chat, roles)), chat


def fetched_script(name: str, fetched: list[int]) -> Attachment:
    data = script_file(name).read_bytes()

    async def fetch(limit: int) -> bytes:
        fetched.append(limit)
        return data

    return Attachment(name, size=len(data), fetch=fetch)


async def test_a_screenplay_is_previewed_then_imported_through_the_dispatcher(bank):
    taskbot, chat = bot_for(bank)
    fetched: list[int] = []
    script = fetched_script("night_shift.fdx", fetched)
    await taskbot.handle(
        CommandEvent(COORDINATOR, Place("c"), "batch", ("import", *OPTIONS), (script,))
    )
    assert chat.last().card.title.startswith("Preview: night_shift.fdx")
    assert await bank.list_batches() == []
    await taskbot.handle(
        CommandEvent(COORDINATOR, Place("c"), "batch", ("import", *OPTIONS, "confirm"), (script,))
    )
    assert chat.last().card.title.startswith("Imported batch")
    assert [b.name for b in await bank.list_batches()] == ["ns"] and len(fetched) == 2


async def test_a_writers_screenplay_import_fetches_nothing(bank):
    taskbot, chat = bot_for(bank)
    fetched: list[int] = []
    script = fetched_script("night_shift.pdf", fetched)
    await taskbot.handle(
        CommandEvent(WRITER, Place("c"), "batch", ("import", *OPTIONS, "confirm"), (script,))
    )
    assert "is for coordinators" in "\n".join(chat.last().card.blocks)
    assert fetched == [] and await bank.list_batches() == []


def test_the_console_passes_script_options_through(tmp_path):
    path = script_file("low_tide.fountain")
    script = f"/batch import {path} {' '.join(OPTIONS)} confirm\n/batch list\n/quit\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--db", str(tmp_path / "d.db"), "--as", "cora"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Imported batch 16: ns" in done.stdout
