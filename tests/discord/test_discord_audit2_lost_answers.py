"""An interaction's first answer that Discord took, but whose answer was lost on the way back
(a 502 from the proxy in front of Discord): discord.py sends it again, as it does after any 5xx,
and Discord answers 400 `40060 Interaction has already been acknowledged`. The first answer was
given; the command runs, the click's update stands, and nobody is told that Discord refused."""

from __future__ import annotations

import asyncio
import logging

import pytest

from taskbank.sample_bank import sample_files
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.test_discord_writer import claim, ids, round_trip

CALLBACK = r"^/interactions/\d+/[^/]+/callback$"


async def test_a_task_whose_deferral_answer_was_lost_still_shows_the_card(room, caplog):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    room.fake.lose_answer("POST", CALLBACK)
    card = await claim(room)
    assert ids(room, card, "submit:"), room.server.text(card)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_a_submit_whose_update_answer_was_lost_is_saved_and_shown_once(room, caplog):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    card = room.server.answer(
        await room.server.pick(room.writer, card, f"ans:{aid}:tone", ["tense"])
    )
    card = room.server.answer(
        await room.server.pick(room.writer, card, f"ans:{aid}:genre", ["noir"])
    )
    card = room.server.answer(await room.server.click(room.writer, card, f"ans:{aid}:pacing:3"))
    room.fake.lose_answer("POST", CALLBACK)
    done = await room.server.click(room.writer, card, "Submit")
    assert done.callback == 7  # the card updated in place, as the first try asked
    assert "Saved — pending review" in room.server.text(room.server.answer(done))
    mine = rf"^/interactions/{done.id}/[^/]+/callback$"
    await room.server.wait_for(lambda: len(room.fake.called("POST", mine)) >= 2, "the retry")
    await asyncio.sleep(0.5)  # what the bot does after the retry's 40060
    assert len(room.fake.called("POST", mine)) == 2  # no further first answer tried
    shown = [room.server.text(room.fake.messages[m]) for m in done.followups]
    assert not any("Discord refused" in text for text in shown), shown
    assert await reads.answers(room.bank) == TONE_ANSWER
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


@pytest.mark.parametrize(
    "sample", [p for p in sample_files() if p.stem == "07_dialogue-rewrites"], ids=lambda p: p.stem
)
async def test_a_journey_ends_saved_when_every_first_answer_is_lost_once(room, sample, caplog):
    room.fake.lose_answer("POST", CALLBACK, times=100)  # the deferral, updates, modals, submits
    await round_trip(room, sample)
    lost = 100 - room.fake.lost[0]["left"]
    assert lost >= 4  # the deferral, the updates, the modal and its submits: each lost once
    await room.server.wait_for(
        lambda: len(room.fake.called("POST", CALLBACK)) >= 2 * lost, "each one sent again"
    )
    await asyncio.sleep(0.5)  # what the bot does after each retry's 40060
    assert len(room.fake.called("POST", CALLBACK)) == 2 * lost  # no other first answer tried
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
