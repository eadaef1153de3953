"""Reviewers on Slack: QA samples in the review channel, ✅/❌ reactions, a reason in a modal."""

from __future__ import annotations

import asyncio

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.slack.conftest import OTHER_WRITER, REVIEW_CHANNEL, REVIEWER, WRITER
from tests.slack_driver import Workspace, buttons, text_of
from tests.slack_fake import Message


async def submitted(ws: Workspace, writer: str = f"slack:{WRITER}") -> int:
    bank = ws.bank
    await bank.import_batch(tone_batch(1, review_rate=1.0), filename="tone.jsonl")
    claimed = await bank.claim(writer)
    result = await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, "k1")
    return result.submission.id


async def posted_sample(ws: Workspace, app_bot) -> Message:
    jobs = Jobs(app_bot.ctx, ScheduleConfig())
    assert await jobs.run_qa_sample() == 1
    (card,) = ws.channel(REVIEW_CHANNEL)
    return card


async def open_reason_modal(ws: Workspace, app_bot, submission: int) -> tuple[Message, dict]:
    """The sample posted, a reviewer's ❌ on it, Reject pressed: the sample's card and the
    reason modal Slack holds."""
    card = await posted_sample(ws, app_bot)
    await ws.react(REVIEWER, card, "x")
    ask = await ws.new_card(REVIEWER, 0)
    await ws.click(REVIEWER, ask, f"reject:{submission}")
    await ws.wait_for(lambda: ws.fake.views, "the reason modal")
    return card, ws.fake.views[-1]


async def test_qa_samples_arrive_in_the_review_channel_with_both_reactions_ready(
    workspace, slack_app
):
    await submitted(workspace)
    card = await posted_sample(workspace, slack_app.bot)
    assert "Review: " in card.blocks[0]["text"]["text"]
    assert {(c, n) for c, _, n in workspace.fake.reactions} == {
        (REVIEW_CHANNEL, "white_check_mark"),
        (REVIEW_CHANNEL, "x"),
    }


async def test_a_reviewers_check_mark_approves_and_pays_once_even_when_slack_retries(
    workspace, slack_app
):
    submission = await submitted(workspace)
    card = await posted_sample(workspace, slack_app.bot)
    version = card.version
    status, _ = await workspace.react(REVIEWER, card, "white_check_mark", event_id="Ev0APPROVE")
    assert status == 200
    await workspace.updated(card, version)
    assert "Approved: submission" in text_of(card)
    for retry in (1, 2):  # Slack's retries of the same event
        await workspace.react(
            REVIEWER, card, "white_check_mark", event_id="Ev0APPROVE", retry=retry
        )
    await asyncio.sleep(0.5)  # events are handled after the ack: let any second handling show
    updates = len(workspace.fake.called("chat.update"))
    assert (await workspace.bank.submission(submission)).status == "approved"
    assert await reads.earned_this_week(workspace.bank) == (1, 40)  # paid once
    assert updates == 1


async def test_a_cross_asks_for_a_reason_in_a_modal_and_a_blank_one_is_refused(
    workspace, slack_app
):
    submission = await submitted(workspace)
    card = await posted_sample(workspace, slack_app.bot)
    await workspace.react(REVIEWER, card, "x", event_id="Ev0REJECT")
    await workspace.react(REVIEWER, card, "x", event_id="Ev0REJECT", retry=1)
    ask = await workspace.new_card(REVIEWER, 0)
    assert ask.channel == "D" + REVIEWER[1:] and buttons(ask) == ["Give a reason…"]
    await workspace.click(REVIEWER, ask, f"reject:{submission}")
    await workspace.wait_for(lambda: workspace.fake.views, "the reason modal")
    view = workspace.fake.views[-1]
    answer = await workspace.submit(REVIEWER, view, {"reason": "   "})
    assert answer["response_action"] == "errors" and "reason" in answer["errors"]
    answer = await workspace.submit(REVIEWER, view, {"reason": "The genre is comedy, not noir."})
    assert answer == {}
    await workspace.wait_for(lambda: "Rejected" in text_of(ask), "the verdict on the card")
    assert (await workspace.bank.submission(submission)).status == "rejected"
    assert len(workspace.visible_to(REVIEWER)) == 1  # the retried ❌ asked only once


async def test_reactions_of_non_reviewers_and_of_the_author_are_ignored_and_said_so(
    workspace, slack_app
):
    submission = await submitted(workspace, f"slack:{REVIEWER}")
    card = await posted_sample(workspace, slack_app.bot)
    await workspace.react(OTHER_WRITER, card, "white_check_mark")
    told = await workspace.new_card(OTHER_WRITER, 0)
    assert "Only reviewers" in text_of(told)
    await workspace.react(REVIEWER, card, "white_check_mark")
    told = await workspace.new_card(REVIEWER, 0)
    assert "own work" in text_of(told)
    await workspace.react(REVIEWER, card, "thumbsup")  # not a verdict: nothing happens
    await asyncio.sleep(0.3)
    assert (await workspace.bank.submission(submission)).status == "pending"
    assert card.version == 1


async def test_review_command_shows_a_card_whose_approve_button_works(workspace):
    submission = await submitted(workspace)
    await workspace.command(REVIEWER, "/review")
    card = await workspace.new_card(REVIEWER, 0)
    assert buttons(card) == ["Approve", "Reject…", "Pass"]
    version = card.version
    await workspace.click(REVIEWER, card, f"approve:{submission}")
    await workspace.updated(card, version)
    assert "Approved: submission" in text_of(card)


async def test_a_writer_cannot_use_review(workspace):
    await workspace.command(WRITER, "/review")
    card = await workspace.new_card(WRITER, 0)
    assert card.blocks[0]["text"]["text"] == "⚠️ Not allowed"
