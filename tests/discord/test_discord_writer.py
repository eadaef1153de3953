"""Writers on Discord: /task cards as embeds with components, answered with buttons, menus and
modals, through the real discord.py client and a fake Discord."""

from __future__ import annotations

import json

from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.conftest import Room
from tests.discord_driver import Person
from tests.inspect_db import query


async def claim(room: Room, who: Person | None = None, which: str | None = None) -> dict:
    """/task, accepting the project's terms if asked; the task card."""
    who = who or room.writer
    answered = await room.server.command(who, "task", {"which": which} if which else None)
    card = room.server.answer(answered)
    ids = [c["custom_id"] for c in room.server.controls(card)]
    if any(i.startswith("terms:") for i in ids):
        clicked = await room.server.click(who, card, "I accept")
        card = room.server.answer(clicked)
    return card


def ids(room: Room, card: dict, prefix: str) -> list[str]:
    return [c["custom_id"] for c in room.server.controls(card) if c["custom_id"].startswith(prefix)]


async def test_card_choices_are_saved_and_the_card_is_updated_in_place(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    assert card["flags"] & 64  # ephemeral: only the writer sees it
    aid = ids(room, card, "submit:")[0].split(":")[1]
    done = await room.server.pick(room.writer, card, f"ans:{aid}:tone", ["tense"])
    assert done.callback == 7  # the clicked card, updated in place
    card = room.server.answer(done)
    done = await room.server.pick(room.writer, card, f"ans:{aid}:genre", ["noir"])
    card = room.server.answer(done)
    done = await room.server.click(room.writer, card, f"ans:{aid}:pacing:3")
    card = room.server.answer(done)
    assert "✓ 3" in [c.get("label") for c in room.server.controls(card)]
    done = await room.server.click(room.writer, card, "Submit")
    card = room.server.answer(done)
    assert "Saved — pending review" in room.server.text(card)
    assert [c.get("label") for c in room.server.controls(card)] == ["Next task"]
    rows = await query(room.bank.store, "SELECT answers_json FROM submissions")
    assert json.loads(rows[0][0]) == TONE_ANSWER
    assert not room.fake.refused
