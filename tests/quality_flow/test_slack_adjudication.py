"""End to end on Slack: a reviewer settles a task whose writers disagree through /review."""

from __future__ import annotations

from tests.batches import TONE_ANSWER, header, jsonl, tone_task
from tests.slack.conftest import REVIEWER
from tests.slack_driver import text_of


async def test_a_reviewer_adjudicates_a_disputed_task_through_review(workspace):
    bank = workspace.bank
    batch = await bank.import_batch(jsonl(header(overlap=2), [tone_task(1)]), filename="a.jsonl")
    ids = {}
    for writer, tone in (("slack:U0ANA", "tense"), ("slack:U0BEN", "menacing")):
        claimed = await bank.claim(writer)
        result = await bank.submit(
            claimed.assignment.id, writer, {**TONE_ANSWER, "tone": tone}, f"k-{writer}"
        )
        ids[tone] = result.submission.id
    task_id = claimed.task.id

    seen = len(workspace.visible_to(REVIEWER))
    await workspace.command(REVIEWER, "/review", "adjudicate", channel="C0REVIEWS")
    card = text_of(await workspace.new_card(REVIEWER, seen))
    assert f"Adjudicate task t-0001 (batch {batch.id})" in card
    assert "The writers disagree on 'Dominant tone'" in card
    assert f"{ids['tense']}: Dominant tone = tense" in card
    assert f"{ids['menacing']}: Dominant tone = menacing" in card
    assert "U0ANA" not in card and "U0BEN" not in card  # answers, not who gave them

    seen = len(workspace.visible_to(REVIEWER))
    await workspace.command(
        REVIEWER, "/review", f"adjudicate {task_id} {ids['menacing']}", channel="C0REVIEWS"
    )
    assert "Final answer recorded" in text_of(await workspace.new_card(REVIEWER, seen))
    final = await bank.store.adjudications(batch.id)
    assert final[task_id]["tone"] == "menacing"

    seen = len(workspace.visible_to(REVIEWER))
    await workspace.command(REVIEWER, "/review", "adjudicate", channel="C0REVIEWS")
    assert "Nothing to adjudicate" in text_of(await workspace.new_card(REVIEWER, seen))
