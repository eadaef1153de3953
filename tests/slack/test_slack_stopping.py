"""Stopping the Slack adapter: in Socket Mode the socket stays open until the work in flight has
sent its answers (and new envelopes are left for Slack to send again); over HTTP a client that
never finishes sending holds the stop neither through the grace period nor past it."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from adapters.slack.runner import run_slack
from bot.app import Taskbot
from bot.config import Config
from bot.runtime import Runtime
from tests.slack.conftest import WRITER, slack_config
from tests.slack_driver import SIGNING_SECRET, free_port, wait_until_serving
from tests.slack_fake import APP_TOKEN, BOT_TOKEN, payloads
from tests.waiting import until

ENVIRON = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_APP_TOKEN": APP_TOKEN,
}


def with_grace(config: Config, seconds: float) -> Config:
    chat = config.chat.model_copy(update={"shutdown_grace_seconds": seconds})
    return config.model_copy(update={"chat": chat})


async def test_socket_mode_sends_the_answer_of_work_in_flight_before_it_closes(
    fake_slack, slack_bank, monkeypatch, caplog
):
    # given Taskbot in Socket Mode, and a modal's submission whose handling takes a while (the
    # bot's own handling is held here; bolt, the socket client and the adapter are the real ones)
    caplog.set_level(logging.INFO, logger="adapters.slack.socket")
    entered, gate = asyncio.Event(), asyncio.Event()
    handled: list[str] = []

    async def held(self: Taskbot, event: Any) -> None:
        handled.append(type(event).__name__)
        entered.set()
        await gate.wait()

    monkeypatch.setattr(Taskbot, "handle", held)
    config = with_grace(slack_config(fake_slack, mode="socket"), 30)
    runtime = Runtime(config, slack_bank, config.roles.roles(), {"environ": ENVIRON})
    running = asyncio.get_running_loop().create_task(run_slack(runtime))
    try:
        view = {"id": "V0FORM", "type": "modal", "callback_id": "answer", "private_metadata": ""}
        await fake_slack.socket_outbox.put(
            {
                "envelope_id": "env-form",
                "payload": payloads.view_submission(WRITER, view, {}),
                "type": "interactive",
                "accepts_response_payload": True,
            }
        )
        await asyncio.wait_for(entered.wait(), 15)
        # when the process is asked to stop, and another envelope comes meanwhile
        runtime.request_stop()
        await fake_slack.socket_outbox.put(
            {
                "envelope_id": "env-late",
                "payload": payloads.view_submission(WRITER, view, {}),
                "type": "interactive",
                "accepts_response_payload": True,
            }
        )
        await until(lambda: "left a interactive envelope" in caplog.text, "the late envelope")
        gate.set()
        await asyncio.wait_for(running, 15)
    finally:
        gate.set()
        if not running.done():
            running.cancel()
    # then the modal in flight got its answer over the socket before it closed; the late
    # envelope got none (Slack sends it again, or tells the person) and nothing was started
    acks = []
    while not fake_slack.socket_inbox.empty():
        acks.append(fake_slack.socket_inbox.get_nowait()["envelope_id"])
    assert acks == ["env-form"]
    assert handled == ["FormSubmitEvent"]


async def test_a_client_that_never_finishes_sending_does_not_hold_the_stop(fake_slack, slack_bank):
    # given Taskbot serving Slack over HTTP, with a short grace period
    port = free_port()
    config = with_grace(slack_config(fake_slack, host="127.0.0.1", port=port), 0.5)
    runtime = Runtime(config, slack_bank, config.roles.roles(), {"environ": ENVIRON})
    serving = asyncio.get_running_loop().create_task(run_slack(runtime))
    writer = None
    try:
        assert await wait_until_serving(f"http://127.0.0.1:{port}", attempts=300)
        # and a client that sent a request's headers and part of its body, then stalled
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\ncommand=%2Ftask"
        )
        await writer.drain()
        await asyncio.sleep(0.2)
        # when the process is asked to stop
        began = time.monotonic()
        runtime.request_stop()
        # then it stops without waiting on that client (aiohttp's own default is a minute more)
        await asyncio.wait_for(serving, 20)
        assert time.monotonic() - began < 20
    finally:
        if writer is not None:
            writer.close()
        if not serving.done():
            serving.cancel()
