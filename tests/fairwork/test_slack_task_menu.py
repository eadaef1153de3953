"""/task on Slack (signed HTTP into the bolt app, the fake Web API behind it): with two batches
open the writer gets the open-work menu in Block Kit, and its button claims from that batch;
with one batch open /task claims directly."""

from __future__ import annotations

from tests.batches import tone_batch
from tests.slack.conftest import WRITER
from tests.slack_driver import buttons, text_of


async def test_task_on_slack_with_two_batches_shows_the_menu_and_a_click_claims(workspace):
    ws = workspace
    await ws.bank.import_batch(tone_batch(2, pay_cents=40, name="a"), filename="a.jsonl")
    await ws.bank.import_batch(
        tone_batch(2, pay_cents=100, name="b", estimate_minutes=5), filename="b.jsonl"
    )
    seen = len(ws.visible_to(WRITER))
    await ws.command(WRITER, "/task")
    menu = await ws.new_card(WRITER, seen)
    text = text_of(menu)
    assert "Open work" in text
    assert "not enough answers yet (0 of 5)" in text
    assert "the coordinator's estimate: 5m00s a task" in text and "about $12.00/h" in text
    assert buttons(menu) == ["Claim from 1", "Claim from 2"]
    assert await ws.bank.active_assignments(f"slack:{WRITER}") == []
    version = menu.version
    await ws.click(WRITER, menu, "work:2")
    await ws.updated(menu, version)
    [held] = await ws.bank.active_assignments(f"slack:{WRITER}")
    assert held.batch_id == 2
    assert "Open work" not in text_of(menu)  # the task replaced the menu


async def test_task_on_slack_with_one_batch_claims_directly(workspace):
    ws = workspace
    await ws.bank.import_batch(tone_batch(2, name="only"), filename="a.jsonl")
    seen = len(ws.visible_to(WRITER))
    await ws.command(WRITER, "/task")
    card = await ws.new_card(WRITER, seen)
    assert "Open work" not in text_of(card)
    [held] = await ws.bank.active_assignments(f"slack:{WRITER}")
    assert held.batch_id == 1
