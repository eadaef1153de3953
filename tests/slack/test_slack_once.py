"""Scheduled posts reach Slack once, even when the process dies after Slack accepted one and
before the post was marked sent: the retry finds its key in the message metadata of the channel's
recent history (conversations.history) and does not post again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests.batches import TONE_ANSWER, tone_batch
from tests.slack.conftest import COORDINATOR_CHANNEL, OTHER_WRITER, REVIEW_CHANNEL, WRITER

MONDAY_9 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


class Died(Exception):
    """The process died: what was sent stays sent, nothing after it ran."""


class DiesAfterSending:
    """The real Slack port, but the process dies right after Slack accepts the chosen send."""

    def __init__(self, port, dies_after: str) -> None:
        self.port = port
        self.dies_after = dies_after

    def __getattr__(self, name):  # everything else goes straight to the real port
        return getattr(self.port, name)

    async def _then_die(self, kind: str, sent):  # type: ignore[no-untyped-def]
        if kind == self.dies_after:
            raise Died(kind)
        return sent

    async def post_card(self, place, card, **options):  # type: ignore[no-untyped-def]
        sent = await self.port.post_card(place, card, **options)
        return await self._then_die(
            "review" if place.channel_id == REVIEW_CHANNEL else "summary", sent
        )

    async def send_direct(self, user, card, *, once=None):  # type: ignore[no-untyped-def]
        sent = await self.port.send_direct(user, card, once=once)
        return await self._then_die("direct" if user == f"slack:{OTHER_WRITER}" else "", sent)

    async def upload_file(self, place, upload, **options):  # type: ignore[no-untyped-def]
        sent = await self.port.upload_file(place, upload, **options)
        return await self._then_die("chart", sent)


def jobs(slack_app, port=None) -> Jobs:
    ctx = slack_app.bot.ctx if port is None else replace(slack_app.bot.ctx, port=port)
    return Jobs(ctx, ScheduleConfig())


async def a_week_of_work(bank, clock) -> None:
    clock.set(MONDAY_9 - timedelta(days=6))
    await bank.import_batch(tone_batch(2, review_rate=1.0), filename="tone.jsonl")
    for writer in (WRITER, OTHER_WRITER):
        claimed = await bank.claim(f"slack:{writer}")
        clock.advance(minutes=10)
        await bank.submit(claimed.assignment.id, f"slack:{writer}", TONE_ANSWER, writer)
    clock.set(MONDAY_9 + timedelta(minutes=1))


def tally_posts(workspace) -> dict[str, int]:
    """How many tally messages each place holds, and how many charts were shared."""
    fake = workspace.fake
    coordinators = workspace.channel(COORDINATOR_CHANNEL)
    return {
        "summary": sum(1 for m in coordinators if m.text.startswith("Pay tally, ")),
        "chart": sum(1 for m in coordinators if m.files),
        WRITER: len(fake_direct(fake, WRITER)),
        OTHER_WRITER: len(fake_direct(fake, OTHER_WRITER)),
    }


def fake_direct(fake, user: str) -> list:
    return [m for m in fake.messages.values() if m.channel == "D" + user[1:]]


@pytest.mark.parametrize("dies_after", ["summary", "chart", "direct"])
async def test_a_tally_post_slack_accepted_before_a_crash_is_not_posted_again(
    workspace, slack_app, clock, dies_after
):
    # Given a tally run that died right after Slack accepted one of its posts
    await a_week_of_work(workspace.bank, clock)
    with pytest.raises(Died):
        await jobs(slack_app, DiesAfterSending(slack_app.port, dies_after)).run_tally()

    # When the scheduler runs again (a restarted process)
    clock.advance(minutes=5)
    await jobs(slack_app).run_tally()

    # Then every post is in Slack exactly once, and the retry asked the history first
    assert tally_posts(workspace) == {"summary": 1, "chart": 1, WRITER: 1, OTHER_WRITER: 1}
    assert workspace.fake.called("conversations.history")
    for message in workspace.fake.messages.values():
        if not message.files and not message.ephemeral:
            assert message.metadata["event_type"] == "taskbot_post"


async def test_a_qa_sample_slack_accepted_before_a_crash_is_not_posted_again(
    workspace, slack_app, clock
):
    await a_week_of_work(workspace.bank, clock)
    with pytest.raises(Died):
        await jobs(slack_app, DiesAfterSending(slack_app.port, "review")).run_qa_sample()
    await jobs(slack_app).run_qa_sample()
    assert len(workspace.channel(REVIEW_CHANNEL)) == 2  # one card per submission
    histories = workspace.fake.called("conversations.history")
    assert histories  # both were recorded in the run that died: each retry looks first
    for history in histories:
        assert history["channel"] == REVIEW_CHANNEL
        assert history["include_all_metadata"] in ("1", "true")


async def test_a_first_attempt_posts_without_reading_history(workspace, slack_app, clock):
    await a_week_of_work(workspace.bank, clock)
    await jobs(slack_app).run_tally()
    assert workspace.fake.called("conversations.history") == []
    assert tally_posts(workspace) == {"summary": 1, "chart": 1, WRITER: 1, OTHER_WRITER: 1}
