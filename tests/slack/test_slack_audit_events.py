"""Events API deliveries Slack documents that the app must acknowledge with 200 even though it
does nothing with them: a reaction on a file (its item names a file, not a channel and ts) and
the `app_rate_limited` notice (no inner event). Slack counts anything else as a failed delivery,
retries it, and disables the subscription when too many fail."""

from __future__ import annotations

import asyncio
import json
import time

from tests import bank_reads as reads
from tests.slack.conftest import REVIEWER
from tests.slack.test_slack_review import posted_sample, submitted
from tests.slack_fake import BOT_USER
from tests.slack_fake.payloads import APP_ID, TEAM, event_callback


def reaction_on(item: dict, name: str = "white_check_mark") -> dict:
    """reaction_added as api.slack.com/events/reaction_added shows it for this item."""
    return {
        "type": "reaction_added",
        "user": REVIEWER,
        "reaction": name,
        "item_user": "U0SOMEONE",
        "item": item,
        "event_ts": f"{time.time():.6f}",
    }


async def test_a_reaction_on_a_file_is_acknowledged_and_ignored(workspace, slack_app):
    submission = await submitted(workspace)
    await posted_sample(workspace, slack_app.bot)
    for n, item in enumerate(
        (
            {"type": "file", "file": "F0SHARED1"},
            {"type": "file_comment", "file_comment": "Fc0COMMENT", "file": "F0SHARED1"},
        )
    ):
        body = event_callback(reaction_on(item), f"Ev0FILE{n}", BOT_USER)
        status, text = await workspace.send(body, "application/json")
        assert status == 200, text  # before the fix: 400 "expected text in channel, ts"
    await asyncio.sleep(0.3)
    assert (await workspace.bank.submission(submission)).status == "pending"
    assert workspace.visible_to(REVIEWER) == []


async def test_a_reaction_on_a_message_with_an_unknown_item_field_still_counts(
    workspace, slack_app
):
    submission = await submitted(workspace)
    card = await posted_sample(workspace, slack_app.bot)
    item = {"type": "message", "channel": card.channel, "ts": card.ts, "thread_ts": None}
    event = {**reaction_on(item), "item_user": None, "new_field": {"x": 1}}
    status, _ = await workspace.send(
        event_callback(event, "Ev0EXTRA", BOT_USER), "application/json"
    )
    assert status == 200
    await workspace.wait_for(lambda: card.version > 1, "the verdict on the card")
    assert (await workspace.bank.submission(submission)).status == "approved"
    assert await reads.earned_this_week(workspace.bank) == (1, 40)


async def test_app_rate_limited_is_acknowledged(workspace):
    body = json.dumps(
        {
            "token": "legacy-verification-token",
            "type": "app_rate_limited",
            "team_id": TEAM["id"],
            "minute_rate_limited": int(time.time()) // 60 * 60,
            "api_app_id": APP_ID,
        }
    )
    status, text = await workspace.send(body, "application/json")
    assert status == 200, text  # before the fix: 400 "type 'app_rate_limited'; expected one of …"


async def test_an_event_the_app_does_not_read_is_acknowledged(workspace):
    event = {
        "type": "reaction_removed",
        "user": REVIEWER,
        "reaction": "x",
        "item": {"type": "message", "channel": "C0REVIEWS", "ts": "1700000000.000001"},
        "event_ts": f"{time.time():.6f}",
    }
    status, text = await workspace.send(
        event_callback(event, "Ev0OTHER", BOT_USER), "application/json"
    )
    assert status == 200, text  # before the fix: bolt's 404 "unhandled request"
