"""A scheduled post retried after a crash looks for itself in the channel's history first; when
Slack rate-limits that look (conversations.history is Tier 1 and, for apps outside the
Marketplace, one call a minute), the post waits for the next run instead of going out twice."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from tests.slack.conftest import REVIEW_CHANNEL
from tests.slack.test_slack_once import Died, DiesAfterSending, a_week_of_work, jobs


async def test_a_rate_limited_history_look_postpones_the_retried_post(workspace, slack_app, clock):
    await a_week_of_work(workspace.bank, clock)
    with pytest.raises(Died):
        await jobs(slack_app, DiesAfterSending(slack_app.port, "review")).run_qa_sample()
    posted = len(workspace.channel(REVIEW_CHANNEL))
    # The restarted run: Slack will not show the history for a minute.
    workspace.fake.fail_next("conversations.history", "ratelimited", status=429, retry_after=60)
    try:
        await jobs(slack_app).run_qa_sample()
    except SlackApiError as refused:  # the job fails for this run; the scheduler logs it
        assert refused.response["error"] == "ratelimited"
    # The next run reads the history, finds the card sent before the crash, and posts the rest.
    await jobs(slack_app).run_qa_sample()
    assert posted == 1 and len(workspace.channel(REVIEW_CHANNEL)) == 2  # one card per submission
