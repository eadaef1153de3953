"""Picks made at the same moment (a writer clicking down the card faster than each update
comes back; discord.py handles each interaction as it arrives, side by side): every pick is
kept in the draft, none overwrites another."""

from __future__ import annotations

import asyncio
import copy

from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.test_discord_writer import claim, ids


async def test_picks_sent_together_are_all_kept_and_submit(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    as_seen = copy.deepcopy(card)  # each click comes from the card as the writer saw it
    sent = [
        await room.server.pick(room.writer, as_seen, f"ans:{aid}:tone", ["tense"], wait=False),
        await room.server.pick(room.writer, as_seen, f"ans:{aid}:genre", ["noir"], wait=False),
        await room.server.click(room.writer, as_seen, f"ans:{aid}:pacing:3", wait=False),
    ]
    for interaction in sent:
        await asyncio.wait_for(interaction.answered.wait(), 10)
    assert all(interaction.callback == 7 for interaction in sent)
    done = await room.server.click(room.writer, as_seen, "Submit")
    assert "Saved — pending review" in room.server.text(room.server.answer(done))
    assert await reads.answers(room.bank) == TONE_ANSWER


async def test_drafts_saved_at_the_same_moment_merge(discord_bank):
    bank = discord_bank
    await bank.import_batch(tone_batch(1), filename="tone.jsonl")
    claimed = await bank.claim("discord:1")
    aid = claimed.assignment.id
    await asyncio.gather(
        *(bank.save_draft(aid, "discord:1", {key: value}) for key, value in TONE_ANSWER.items())
    )
    assert await bank.draft(aid) == TONE_ANSWER
