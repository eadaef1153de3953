"""The App Home tab through signed Events API requests: acknowledged at once, then the pipeline
publishes the person's home view (views.publish), once per event_id however often Slack retries."""

from __future__ import annotations

import json
import time

from tests.batches import tone_batch
from tests.slack.conftest import WRITER
from tests.slack_fake import BOT_USER
from tests.slack_fake.payloads import event_callback


def app_home_opened(user: str, tab: str = "home") -> dict:
    """The event as Slack documents it (api.slack.com/events/app_home_opened); no `view` until
    the app has published one."""
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user[1:],
        "event_ts": f"{time.time():.6f}",
        "tab": tab,
    }


async def deliver(ws, event: dict, event_id: str, retry: int | None = None) -> tuple[int, str]:
    headers = (
        {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
    )
    return await ws.send(
        event_callback(event, event_id, BOT_USER), "application/json", headers=headers
    )


async def all_work_done(ws, slack_app) -> None:
    await ws.wait_for(lambda: not slack_app.work.tasks, "the work after the acks")


async def test_opening_the_home_tab_publishes_the_writers_home_view(workspace, slack_app):
    ws = workspace
    await ws.bank.import_batch(tone_batch(2), filename="tone.jsonl")
    status, text = await deliver(ws, app_home_opened(WRITER), "Ev0HOME1")
    assert (status, text) == (200, "")  # the ack carries nothing: the view comes by the Web API
    view = await ws.wait_for(lambda: ws.fake.homes.get(WRITER), "the writer's home view")
    assert view["type"] == "home"
    shown = json.dumps(view["blocks"])
    assert "This week" in shown and "Open work (claim with /work):" in shown


async def test_a_retried_home_event_is_published_once(workspace, slack_app):
    ws = workspace
    await deliver(ws, app_home_opened(WRITER), "Ev0HOME2")
    await ws.wait_for(lambda: ws.fake.homes.get(WRITER), "the writer's home view")
    status, _ = await deliver(ws, app_home_opened(WRITER), "Ev0HOME2", retry=1)
    assert status == 200
    await all_work_done(ws, slack_app)
    assert len(ws.fake.called("views.publish")) == 1
    # A new opening of the tab (a new event_id) is published again.
    await deliver(ws, app_home_opened(WRITER), "Ev0HOME3")
    await ws.wait_for(lambda: len(ws.fake.called("views.publish")) == 2, "a second home view")


async def test_opening_the_messages_tab_publishes_nothing(workspace, slack_app):
    ws = workspace
    status, _ = await deliver(ws, app_home_opened(WRITER, tab="messages"), "Ev0HOME4")
    assert status == 200
    await all_work_done(ws, slack_app)
    assert ws.fake.called("views.publish") == []


async def test_a_home_event_without_a_user_is_refused(workspace):
    event = app_home_opened(WRITER)
    del event["user"]
    status, text = await deliver(workspace, event, "Ev0HOME5")
    assert status == 400 and "user" in text
