"""/work on both stores: open work as a menu before claiming, and a button that claims from a
chosen batch."""

from __future__ import annotations

import pytest

from tests.batches import tone_batch
from tests.fairwork.conftest import WENDY, command, press
from tests.fairwork.ledger import hold


async def two_open_batches(bank) -> None:
    """Batch 1: 40c, five answers by otto taking 1–5 minutes (median 3m). Batch 2: $1.00, new."""
    await bank.import_batch(tone_batch(8, pay_cents=40, name="timed"), filename="a.jsonl")
    for minutes in (1, 2, 3, 4, 5):
        await hold(bank, minutes, "submit", writer="test:otto")
    await bank.import_batch(tone_batch(2, pay_cents=100, name="fresh"), filename="b.jsonl")


async def test_the_menu_shows_pay_time_rate_what_is_left_and_the_approval_window(
    taskbot, chat, bank
):
    await two_open_batches(bank)
    await taskbot.handle(command(WENDY, "work"))
    sent = chat.last("post")
    assert sent.visibility == "private" and sent.card.title == "Open work"
    timed, fresh = sent.card.blocks[0].splitlines()
    assert timed.startswith(
        "1: Tone, genre and pacing of a dialogue (Test project) — $0.40 a task;"
    )
    assert "median time per task 3m00s (5 answers); about $8.00/h 🟠 orange" in timed
    assert "3 left for you; no deadline" in timed
    assert "$1.00 a task; time per task: not enough answers yet (0 of 5)" in fresh
    assert "rate: not estimated yet; 2 left for you" in fresh
    assert "approved and paid automatically 72h after you submit" in sent.card.blocks[1]
    labels = [c.label for c in sent.card.controls()]
    assert labels == ["Claim from 1", "Claim from 2"]


# /task shows the same menu when several batches are open
@pytest.mark.parametrize("asked", ["work", "task"])
async def test_choosing_a_batch_claims_from_it(taskbot, chat, bank, asked):
    await two_open_batches(bank)
    await taskbot.handle(command(WENDY, asked))
    menu = chat.last("post")
    await taskbot.handle(press(WENDY, "work:2", menu.message))
    [held] = await bank.active_assignments(WENDY.key)
    assert held.batch_id == 2
    assert chat.last("update").message == menu.message  # the task replaces the menu


async def test_a_batch_with_nothing_left_for_the_writer_is_not_offered(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1, name="one"), filename="a.jsonl")
    await hold(bank, 2, "skip", writer=WENDY.key)
    await taskbot.handle(command(WENDY, "work"))
    assert chat.last("post").card.blocks == ("No batch has a task for you right now.",)


async def test_what_is_left_counts_tasks_not_slots(taskbot, chat, bank):
    # Overlap 2 gives each of 3 tasks two slots, and a gold task holds a million (every writer
    # may answer it): a writer takes each task once, so 3 and 2 are left, not 6 and 1,000,001.
    from tests.batches import TONE_ANSWER, header, jsonl, tone_task

    await bank.import_batch(tone_batch(3, overlap=2, name="twice"), filename="a.jsonl")
    gold = tone_task(2, gold=TONE_ANSWER)
    data = jsonl(header(name="gold"), [tone_task(1), gold])
    await bank.import_batch(data, filename="b.jsonl")
    await taskbot.handle(command(WENDY, "work"))
    twice, with_gold = chat.last("post").card.blocks[0].splitlines()
    assert "3 left for you" in twice and "2 left for you" in with_gold
