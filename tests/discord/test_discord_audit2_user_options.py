"""A user option (type 6) as Discord sends it: the option's value is the user's id, and the
person is in `data.resolved` — `users` always, `members` too in a server (partial members:
no `user`, `deaf` or `mute`)."""

from __future__ import annotations

from typing import Any

from tests.batches import tone_batch
from tests.discord.conftest import Room
from tests.discord.test_discord_writer import claim
from tests.discord_driver import Person
from tests.discord_fake import GUILD_ID


def bonus_data(room: Room, writer: Person) -> dict[str, Any]:
    member = {k: v for k, v in writer.member().items() if k not in ("user", "deaf", "mute")}
    return {
        "id": room.fake.snowflake(),
        "name": "bonus",
        "type": 1,
        "guild_id": GUILD_ID,
        "options": [
            {"name": "writer", "type": 6, "value": writer.id},
            {"name": "amount", "type": 3, "value": "2.50"},
            {"name": "reason", "type": 3, "value": "careful notes on act two"},
        ],
        "resolved": {"users": {writer.id: writer.user()}, "members": {writer.id: member}},
    }


async def test_a_bonus_to_a_user_option_is_paid_once_and_told(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    await claim(room)  # the writer has work on record
    answered = await room.server.raw(room.coordinator, 2, bonus_data(room, room.writer))
    text = room.server.text(room.server.answer(answered))
    assert "Bonus of" in text and "paid" in text, text
    told = await room.server.wait_for(lambda: room.fake.direct_to(room.writer.id), "the DM")
    assert "A bonus of" in room.server.text(told[-1])


async def test_a_bonus_from_a_direct_message_reads_the_user_from_resolved_users(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    await claim(room)
    data = bonus_data(room, room.writer)
    del data["resolved"]["members"], data["guild_id"]  # in a DM Discord resolves users only
    dm = room.fake.open_dm(room.coordinator.id)
    answered = await room.server.raw(room.coordinator, 2, data, channel=dm)
    text = room.server.text(room.server.answer(answered))
    assert "Bonus of" in text and "paid" in text, text
