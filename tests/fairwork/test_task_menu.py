"""/task on both stores: with two or more batches holding a task for the writer it shows the
open-work menu (as /work) and a choice claims from that batch; with one batch it claims
directly, as before."""

from __future__ import annotations

from tests.batches import tone_batch
from tests.fairwork.conftest import WENDY, command
from tests.fairwork.test_work_menu import two_open_batches


async def test_task_with_two_open_batches_shows_the_open_work_menu(taskbot, chat, bank):
    await two_open_batches(bank)
    await taskbot.handle(command(WENDY, "task"))
    sent = chat.last("post")
    assert sent.card.title == "Open work"
    timed, fresh = sent.card.blocks[0].splitlines()
    assert "$0.40 a task" in timed and "median time per task 3m00s (5 answers)" in timed
    assert "about $8.00/h" in timed and "3 left for you" in timed
    assert "$1.00 a task; time per task: not enough answers yet (0 of 5)" in fresh
    assert [c.label for c in sent.card.controls()] == ["Claim from 1", "Claim from 2"]
    assert await bank.active_assignments(WENDY.key) == []  # nothing claimed by the menu


async def test_task_menu_is_the_same_card_as_work(taskbot, chat, bank):
    await two_open_batches(bank)
    await taskbot.handle(command(WENDY, "work"))
    work = chat.last("post").card
    await taskbot.handle(command(WENDY, "task"))
    assert chat.last("post").card == work


async def test_task_with_one_open_batch_claims_directly(taskbot, chat, bank):
    await bank.import_batch(tone_batch(2, name="only"), filename="a.jsonl")
    await taskbot.handle(command(WENDY, "task"))
    assert chat.last("post").card.title != "Open work"
    [held] = await bank.active_assignments(WENDY.key)
    assert held.batch_id == 1


async def test_two_batches_but_only_one_with_a_task_for_the_writer_claims_directly(
    taskbot, chat, bank
):
    await bank.import_batch(tone_batch(1, name="done"), filename="a.jsonl")
    claimed = await bank.claim(WENDY.key)
    await bank.skip(claimed.assignment.id, WENDY.key)  # nothing left for wendy in batch 1
    await bank.import_batch(tone_batch(2, name="open"), filename="b.jsonl")
    await taskbot.handle(command(WENDY, "task"))
    assert chat.last("post").card.title != "Open work"
    [held] = await bank.active_assignments(WENDY.key)
    assert held.batch_id == 2


async def test_a_named_batch_claims_from_it_without_the_menu(taskbot, chat, bank):
    await two_open_batches(bank)
    await taskbot.handle(command(WENDY, "task", "2"))
    assert chat.last("post").card.title != "Open work"
    [held] = await bank.active_assignments(WENDY.key)
    assert held.batch_id == 2


async def test_a_held_task_is_shown_again_not_the_menu(taskbot, chat, bank):
    await two_open_batches(bank)
    await bank.claim(WENDY.key, batch_id=2)
    await taskbot.handle(command(WENDY, "task"))
    assert chat.last("post").card.title != "Open work"
    [held] = await bank.active_assignments(WENDY.key)
    assert held.batch_id == 2
