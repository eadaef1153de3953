"""Times on Discord, through the real discord.py client and a fake Discord: Discord gives no zone,
so every moment goes out as a Discord timestamp, drawn in each reader's own zone."""

from __future__ import annotations

import re


async def test_earnings_give_their_period_as_discord_timestamps(room):
    # the period is the bot's zone's week; Discord draws its bounds in each reader's own zone
    answered = await room.server.command(room.writer, "earnings", {"period": "week"})
    shown = room.server.text(room.server.answer(answered))
    assert re.search(r"<t:\d+:f> until <t:\d+:f>", shown) and "\ue000" not in shown
