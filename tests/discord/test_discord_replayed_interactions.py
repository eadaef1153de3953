"""The same INTERACTION_CREATE delivered again (the same id and token: the gateway replays events
after a resume, and may deliver one to two processes during a handover) is handled once: the
interaction id is its delivery key in the task bank, so a replay changes nothing and answers
nothing, in this process or in another one on the same database."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord.app import DiscordApp
from bot.runtime import Runtime
from taskbank.periods import period_containing
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import tone_batch
from tests.discord.conftest import Room, connect, disconnect
from tests.discord.test_discord_audit2_user_options import bonus_data
from tests.discord.test_discord_form_refusals import REFUSED_TEXT, submit_refused_rewrite
from tests.discord.test_discord_writer import claim, ids
from tests.discord_driver import Interaction
from tests.waiting import until

REPLAY_DROPPED = "delivered again; handled already"


async def replay(room: Room, record: Interaction, caplog: pytest.LogCaptureFixture) -> None:
    """Deliver the interaction again, and wait until the bot has dropped it and is idle."""
    seen = caplog.text.count(REPLAY_DROPPED)
    await room.fake.dispatch("INTERACTION_CREATE", record.payload)
    await until(
        lambda: caplog.text.count(REPLAY_DROPPED) > seen and not room.app.work.unfinished(),
        "the replay to be dropped",
    )


async def bonus_cents(bank: TaskBank) -> int:
    return (await bank.tally(period_containing(bank.now(), "week"))).totals.bonus_cents


def bonus_notices(room: Room) -> list[dict[str, Any]]:
    return [
        message
        for message in room.fake.direct_to(room.writer.id)
        if "A bonus of" in room.server.text(message)
    ]


async def paid_a_bonus(room: Room) -> Interaction:
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    await claim(room)  # the writer has work on record
    paid = await room.server.raw(room.coordinator, 2, bonus_data(room, room.writer))
    await until(lambda: bonus_notices(room), "the bonus notice")
    return paid


async def test_a_replayed_bonus_is_paid_and_told_once(room, caplog):
    caplog.set_level("INFO", logger="bot.pipeline")
    paid = await paid_a_bonus(room)
    await replay(room, paid, caplog)
    assert await bonus_cents(room.bank) == 250
    assert len(bonus_notices(room)) == 1
    text = room.server.text(room.server.answer(paid))  # not overwritten by a "Done"
    assert "Bonus of" in text and "paid" in text, text


async def test_a_replayed_click_makes_no_second_answer(room, caplog):
    caplog.set_level("INFO", logger="bot.pipeline")
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    clicked = await room.server.click(room.writer, card, f"ans:{aid}:pacing:3")
    calls = len(room.fake.calls)
    await replay(room, clicked, caplog)
    assert room.fake.calls[calls:] == []  # no callback, no edit, no message


async def test_an_interaction_another_process_handled_is_not_handled_again(
    room, caplog, tmp_path, clock
):
    """A handover: the new process, on the same database, gets the old one's interaction."""
    caplog.set_level("INFO", logger="bot.pipeline")
    paid = await paid_a_bonus(room)
    store = SqliteStore(tmp_path / "chat.db")  # the chat bank's file, opened anew
    await store.open()
    try:
        bank = TaskBank(store, clock=clock)
        runtime = Runtime(room.app.config, bank, room.app.config.roles.roles())
        successor = DiscordApp(runtime.build_bot, room.app.config)
        running = await connect(successor, room.fake)  # the fake's gateway is now its
        try:
            room.app = successor
            await replay(room, paid, caplog)
        finally:
            await disconnect(successor, running)
    finally:
        await store.close()
    assert await bonus_cents(room.bank) == 250
    assert len(bonus_notices(room)) == 1


async def test_a_replayed_refused_answer_keeps_what_was_typed(room, caplog):
    # Given a rewrite refused on submit, what was typed kept for its "Fix it…" button
    caplog.set_level("INFO", logger="bot.pipeline")
    sent = await submit_refused_rewrite(room)
    refused = room.server.answer(sent)

    # When the gateway delivers that submit again
    await replay(room, sent, caplog)

    # Then "Fix it…" still reopens the form as typed
    again = await room.server.click(room.writer, refused, "Fix it…")
    (label,) = again.modal["components"]
    assert label["component"]["value"] == REFUSED_TEXT
