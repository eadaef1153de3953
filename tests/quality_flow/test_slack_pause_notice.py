"""End to end on Slack: the answer that pauses a writer brings the private notice with it, before
any /task — why, with their record."""

from __future__ import annotations

from tests.quality.test_pause_notice import PAUSING
from tests.quality_flow.test_gold_mixing import WRONG, gold_batch
from tests.slack.conftest import WRITER as SLACK_WRITER
from tests.slack_driver import text_of


async def test_on_slack_the_pause_notice_arrives_with_the_answer_that_caused_it(workspace):
    bank = workspace.bank
    writer_key = f"slack:{SLACK_WRITER}"
    batch = await bank.import_batch(gold_batch(3, 6, **PAUSING), filename="g.jsonl")
    for _ in range(2):
        seen = len(workspace.visible_to(SLACK_WRITER))
        await workspace.command(SLACK_WRITER, "/task")
        card = await workspace.new_card(SLACK_WRITER, seen)
        terms = [b for b in _action_ids(card) if b.startswith("terms:")]
        if terms:
            version = card.version
            await workspace.click(SLACK_WRITER, card, terms[0])
            await workspace.updated(card, version)
        aid = (await bank.active_assignments(writer_key))[0].id
        await bank.save_draft(aid, writer_key, WRONG)
        seen = len(workspace.visible_to(SLACK_WRITER))
        version = card.version
        await workspace.click(SLACK_WRITER, card, f"submit:{aid}")
        await workspace.updated(card, version)

    told = text_of(await workspace.new_card(SLACK_WRITER, seen))  # no /task in between
    assert f"Paused on batch {batch.id}" in told
    assert "0 of 2 right (0%)" in told and "at least 50%" in told
    assert all(told != text_of(m) for m in workspace.channel("C0WRITERS"))


def _action_ids(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        element.get("action_id", "")
        for block in message.blocks
        for element in block.get("elements", [])
    ]
