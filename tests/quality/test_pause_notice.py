"""The answer that pauses a writer tells them so at once, privately, with why and their record —
not only at their next /task: through the bank and the handlers on the fake chat, on both stores
(Slack end to end: tests/quality_flow/test_slack_pause_notice.py)."""

from __future__ import annotations

from tests.fake_chat import FakeChat
from tests.quality_flow.test_gold_mixing import WRONG, gold_batch
from tests.ux_helpers import WRITER, command, control, make_bot, press

PAUSING = {"gold_rate": 1.0, "pause": {"window": 2, "min_accuracy": 0.5}}


async def test_the_submit_that_pauses_a_writer_says_so(bank):
    batch = await bank.import_batch(gold_batch(3, 6, **PAUSING), filename="g.jsonl")
    results = []
    for _ in range(2):
        claimed = await bank.claim("ana")
        results.append(await bank.submit(claimed.assignment.id, "ana", WRONG, f"k{_}"))

    assert results[0].paused is None  # one miss: the window of two is not full yet
    pause = results[1].paused
    assert (pause.writer_id, pause.batch_id) == ("ana", batch.id)
    assert (pause.gold_correct, pause.gold_answered) == (0, 2)
    assert [p.writer_id for p in await bank.paused_writers(batch.id)] == ["ana"]
    again = await bank.submit(results[1].submission.assignment_id, "ana", WRONG, "k1")
    assert again.replayed and again.paused is None  # a retry pauses no one twice


async def submit_wrong_on_the_card(bot, chat, bank) -> None:
    await bot.handle(command(WRITER, "task"))
    posted = chat.last("post")
    aid = (await bank.active_assignments(WRITER.key))[0].id
    await bank.save_draft(aid, WRITER.key, WRONG)
    await bot.handle(press(WRITER, control(posted.card, "Submit").action_id, posted.message))


async def test_the_handlers_tell_the_writer_privately_the_moment_they_are_paused(bank):
    batch = await bank.import_batch(gold_batch(3, 6, **PAUSING), filename="g.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)

    await submit_wrong_on_the_card(bot, chat, bank)
    assert not [s for s in chat.sent if s.kind == "direct"]
    await submit_wrong_on_the_card(bot, chat, bank)

    (told,) = [s for s in chat.sent if s.kind == "direct"]
    assert told.to == WRITER.key and told.card.title == f"Paused on batch {batch.id}"
    text = " ".join(told.card.blocks)
    assert "0 of 2 right (0%)" in text and "at least 50%" in text
    assert await bank.outbox_history("pause") == [
        (f"{batch.id}:{(await bank.paused_writers())[0].last_submission_id}", WRITER.key, "sent")
    ]
