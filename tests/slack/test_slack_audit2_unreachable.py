"""A person no direct message reaches on Slack: deactivated in the workspace, conversations.open
answers `user_disabled` (its documented errors: user_disabled, user_not_found, user_not_visible,
cannot_dm_bot) and chat.postMessage to their id `channel_not_found`. As on Discord, that is the
port's Unreachable: the people after them are still told, and whoever caused it is told why."""

from __future__ import annotations

import pytest

from tests.slack.conftest import OTHER_WRITER, REVIEWER, WRITER
from tests.slack.test_slack_once import a_week_of_work, fake_direct, jobs
from tests.slack.test_slack_review import open_reason_modal, submitted
from tests.slack_driver import text_of


@pytest.mark.parametrize("gone", [WRITER, OTHER_WRITER])
async def test_a_deactivated_writer_holds_up_nobody_in_the_tally(workspace, slack_app, clock, gone):
    await a_week_of_work(workspace.bank, clock)
    workspace.fake.deactivated.add(gone)
    # Before the fix: SlackApiError(user_disabled) ended the whole run at that writer.
    await jobs(slack_app).run_tally()
    stays = OTHER_WRITER if gone == WRITER else WRITER
    assert len(fake_direct(workspace.fake, stays)) == 1
    assert fake_direct(workspace.fake, gone) == []


async def test_a_rejection_for_a_deactivated_writer_stands_and_the_reviewer_is_told(
    workspace, slack_app
):
    submission = await submitted(workspace)
    card, modal = await open_reason_modal(workspace, slack_app.bot, submission)
    workspace.fake.deactivated.add(WRITER)
    version = card.version
    seen = len(workspace.visible_to(REVIEWER))
    assert await workspace.submit(REVIEWER, modal, {"reason": "Off tone."}) == {}
    assert (await workspace.bank.submission(submission)).status == "rejected"
    told = await workspace.wait_for(lambda: workspace.visible_to(REVIEWER)[seen:], "a notice")
    shown = "\n".join(text_of(m) for m in told)
    assert "Slack refused" not in shown, shown
    assert "not told" in shown, shown
    await workspace.wait_for(lambda: card.version > version, "the verdict on the sample's card")
