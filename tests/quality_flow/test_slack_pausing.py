"""End to end on Slack: a paused writer is told privately why, with their record; a coordinator
sees who is paused in /batch status and reinstates them with /reinstate."""

from __future__ import annotations

from tests.batches import TONE_ANSWER
from tests.quality_flow.test_gold_mixing import WRONG, gold_batch
from tests.slack.conftest import COORDINATOR, WRITER
from tests.slack_driver import text_of

WRITER_KEY = f"slack:{WRITER}"


async def miss_gold(bank, times: int) -> None:
    for _ in range(times):
        claimed = await bank.claim(WRITER_KEY)
        answer = WRONG if claimed.task.gold is not None else TONE_ANSWER
        await bank.submit(claimed.assignment.id, WRITER_KEY, answer, f"k{claimed.assignment.id}")


async def test_a_paused_writer_is_told_privately_and_a_coordinator_reinstates_them(workspace):
    bank = workspace.bank
    data = gold_batch(3, 6, gold_rate=1.0, pause={"window": 2, "min_accuracy": 0.5})
    batch = await bank.import_batch(data, filename="g.jsonl")
    await miss_gold(bank, 2)

    seen = len(workspace.visible_to(WRITER))
    await workspace.command(WRITER, "/task")
    told = text_of(await workspace.new_card(WRITER, seen))
    assert f"You are paused on batch {batch.id}" in told
    assert "0 of 2 right (0%)" in told and "at least 50%" in told
    assert all(told not in text_of(m) for m in workspace.channel("C0WRITERS"))

    seen = len(workspace.visible_to(COORDINATOR))
    await workspace.command(COORDINATOR, "/batch", f"status {batch.id}", channel="C0COORDS")
    status = text_of(await workspace.new_card(COORDINATOR, seen))
    assert f"{WRITER_KEY} (0/2 gold)" in status

    seen_writer = len(workspace.visible_to(WRITER))
    seen = len(workspace.visible_to(COORDINATOR))
    await workspace.command(COORDINATOR, "/reinstate", f"<@{WRITER}|rita> {batch.id}", "C0COORDS")
    assert "Writer reinstated" in text_of(await workspace.new_card(COORDINATOR, seen))
    assert "You can claim again" in text_of(await workspace.new_card(WRITER, seen_writer))
    assert await bank.paused_writers() == []

    seen = len(workspace.visible_to(WRITER))
    await workspace.command(WRITER, "/task")
    card = text_of(await workspace.new_card(WRITER, seen))
    assert "paused" not in card and "Dominant tone" in card


async def test_only_a_coordinator_may_reinstate(workspace):
    bank = workspace.bank
    data = gold_batch(3, 6, gold_rate=1.0, pause={"window": 2, "min_accuracy": 0.5})
    batch = await bank.import_batch(data, filename="g.jsonl")
    await miss_gold(bank, 2)
    seen = len(workspace.visible_to(WRITER))
    await workspace.command(WRITER, "/reinstate", f"<@{WRITER}> {batch.id}")
    assert "Not allowed" in text_of(await workspace.new_card(WRITER, seen))
    assert [p.writer_id for p in await bank.paused_writers()] == [WRITER_KEY]
