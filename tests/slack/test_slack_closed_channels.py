"""A channel Slack will not let the app post in (it was never invited to the review channel, or
was removed from it): the scheduled QA sample keeps its samples pending and tells coordinators,
once a day, what to do, instead of failing every run with only a log line; a tally channel the
app is not in holds up no writer's own tally."""

from __future__ import annotations

from datetime import timedelta

from tests.batches import tone_batch
from tests.slack.conftest import COORDINATOR, COORDINATOR_CHANNEL, REVIEW_CHANNEL, WRITER
from tests.slack.test_slack_once import a_week_of_work, fake_direct, jobs
from tests.slack_driver import text_of


def refusal_notices(workspace) -> list[str]:
    return [
        text_of(m)
        for m in workspace.channel(COORDINATOR_CHANNEL)
        if "cannot post in the review channel" in text_of(m)
    ]


async def test_samples_wait_for_a_review_channel_the_app_is_not_in_and_coordinators_are_told(
    workspace, slack_app, clock
):
    # Given two answers to sample, and a review channel the app was never invited to
    await a_week_of_work(workspace.bank, clock)
    workspace.fake.outside.add(REVIEW_CHANNEL)

    # When the QA sample runs (before: SlackApiError not_in_channel, every run, in the log only)
    assert await jobs(slack_app).run_qa_sample() == 0

    # Then coordinators hear what to do, and nothing was lost
    told = refusal_notices(workspace)
    assert len(told) == 1
    assert REVIEW_CHANNEL in told[0] and "/invite @Taskbot" in told[0], told[0]
    assert "2 sample(s) wait" in told[0], told[0]

    # A later run the same day says it no more
    clock.advance(minutes=15)
    assert await jobs(slack_app).run_qa_sample() == 0
    assert len(refusal_notices(workspace)) == 1

    # Once the app is in the channel, the waiting samples are posted, once each
    workspace.fake.outside.discard(REVIEW_CHANNEL)
    clock.advance(minutes=15)
    assert await jobs(slack_app).run_qa_sample() == 2
    assert len(workspace.channel(REVIEW_CHANNEL)) == 2


async def test_the_next_day_coordinators_are_reminded(workspace, slack_app, clock):
    await a_week_of_work(workspace.bank, clock)
    workspace.fake.outside.add(REVIEW_CHANNEL)
    await jobs(slack_app).run_qa_sample()
    clock.advance(days=1)
    await jobs(slack_app).run_qa_sample()
    assert len(refusal_notices(workspace)) == 2


async def test_a_tally_channel_the_app_is_not_in_holds_up_no_writers_tally(
    workspace, slack_app, clock
):
    await a_week_of_work(workspace.bank, clock)
    workspace.fake.outside.add(COORDINATOR_CHANNEL)
    # Before: not_in_channel on the summary ended the run before any writer's own line.
    await jobs(slack_app).run_tally()
    assert len(fake_direct(workspace.fake, WRITER)) == 1
    assert workspace.channel(COORDINATOR_CHANNEL) == []
    # The summary waits, and goes out once the app is in the channel
    workspace.fake.outside.discard(COORDINATOR_CHANNEL)
    clock.advance(timedelta(minutes=5))
    await jobs(slack_app).run_tally()
    summaries = [m for m in workspace.channel(COORDINATOR_CHANNEL) if "Pay tally" in m.text]
    assert len(summaries) == 1
    assert len(fake_direct(workspace.fake, WRITER)) == 1


async def test_a_command_posting_in_an_archived_channel_says_which_and_what_to_do(workspace):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    workspace.fake.fail_next("chat.postMessage", "is_archived")
    # /tally posts its summary in the coordinators' channel
    await workspace.command(COORDINATOR, "/tally", "week", channel=COORDINATOR_CHANNEL)
    shown = text_of(await workspace.new_card(COORDINATOR, 0))
    assert "cannot post in channel C0COORDS" in shown and "unarchive" in shown, shown
