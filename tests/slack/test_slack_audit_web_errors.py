"""The Web API refusing the app, as Slack documents it: `ratelimited` with HTTP 429 and
Retry-After (a request Slack did not carry out, to be sent again after that many seconds),
`expired_trigger_id` for a modal opened too late. A verdict or an answer already committed is
never reported as refused, nothing is paid or stored twice, and the person reads plain words."""

from __future__ import annotations

import time

from taskbank.sample_bank import sample_files
from tests import bank_reads as reads
from tests.batches import tone_batch
from tests.slack.conftest import REVIEWER, WRITER
from tests.slack.test_slack_review import open_reason_modal, posted_sample, submitted
from tests.slack.test_slack_writer import claim, control_ids, press
from tests.slack_driver import buttons, text_of


async def test_a_rate_limited_card_update_after_a_check_mark_is_sent_again(workspace, slack_app):
    submission = await submitted(workspace)
    card = await posted_sample(workspace, slack_app.bot)
    workspace.fake.fail_next("chat.update", "ratelimited", status=429, retry_after=1)
    await workspace.react(REVIEWER, card, "white_check_mark")
    await workspace.wait_for(lambda: card.version > 1, "the verdict on the review card")
    assert "Approved: submission" in text_of(card)
    assert (await workspace.bank.submission(submission)).status == "approved"
    assert await reads.earned_this_week(workspace.bank) == (1, 40)
    await workspace.wait_for(lambda: not slack_app.work.tasks, "the work after the ack")
    # Nothing tells the reviewer Slack refused a verdict that stands.
    assert workspace.visible_to(REVIEWER) == []


async def test_a_rate_limited_response_url_still_updates_the_one_card(workspace, slack_app):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(workspace)
    aid = control_ids(card, "submit:")[0].split(":")[1]
    workspace.fake.fail_next("response_url", "ratelimited", status=429, retry_after=1)
    await press(workspace, card, f"ans:{aid}:pacing:3")
    await workspace.wait_for(lambda: not slack_app.work.tasks, "the work after the click")
    assert "✓ 3" in buttons(card)
    assert len(workspace.visible_to(WRITER)) == 1  # the same card, not a second one


async def test_an_expired_trigger_says_to_press_the_button_again(workspace, slack_app):
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await workspace.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(workspace)
    seen = len(workspace.visible_to(WRITER))
    workspace.fake.fail_next("views.open", "expired_trigger_id")
    await workspace.click(WRITER, card, control_ids(card, "form:")[0])
    told = await workspace.new_card(WRITER, seen)
    shown = text_of(told)
    assert "press the button again" in shown, shown


async def test_a_long_rate_limit_is_told_in_words_and_the_verdict_stands(workspace, slack_app):
    submission = await submitted(workspace)
    card = await posted_sample(workspace, slack_app.bot)
    workspace.fake.fail_next("chat.update", "ratelimited", status=429, retry_after=120)
    await workspace.react(REVIEWER, card, "white_check_mark")
    told = await workspace.new_card(REVIEWER, 0)
    shown = text_of(told)
    assert "busy" in shown and "saved" in shown, shown
    assert (await workspace.bank.submission(submission)).status == "approved"
    assert await reads.earned_this_week(workspace.bank) == (1, 40)


async def test_a_rate_limit_before_a_modal_is_answered_does_not_hold_the_answer(
    workspace, slack_app
):
    """The reason modal is answered only after the verdict is committed, and Slack waits 3
    seconds for that answer: a rate limit met on the way is not waited out there."""
    submission = await submitted(workspace)
    _, modal = await open_reason_modal(workspace, slack_app.bot, submission)
    # The writer's notice of the rejection is a direct message sent before the modal's answer.
    workspace.fake.fail_next("chat.postMessage", "ratelimited", status=429, retry_after=5)
    started = time.monotonic()
    answer = await workspace.submit(REVIEWER, modal, {"reason": "Off tone."})
    assert time.monotonic() - started < 3, "Slack gives up on a modal's answer after 3 seconds"
    assert answer == {}
    assert (await workspace.bank.submission(submission)).status == "rejected"


async def test_a_rejection_given_in_the_modal_reaches_the_writer_through_a_rate_limit(
    workspace, slack_app
):
    submission = await submitted(workspace)
    card, modal = await open_reason_modal(workspace, slack_app.bot, submission)
    # Longer than a modal's answer can wait:
    workspace.fake.fail_next("chat.postMessage", "ratelimited", status=429, retry_after=3)
    answer = await workspace.submit(REVIEWER, modal, {"reason": "Off tone."})
    assert answer == {}
    notice = await workspace.new_card(WRITER, 0)
    assert "Off tone." in text_of(notice)
    await workspace.wait_for(lambda: card.version > 1, "the verdict on the review card")
    assert "Rejected" in text_of(card)
    await workspace.wait_for(lambda: not slack_app.work.tasks, "the work after the answer")
    assert not any("Slack refused" in text_of(m) for m in workspace.visible_to(REVIEWER))
