"""Start Taskbot on Slack: an HTTP server for Slack's requests, or a Socket Mode connection."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from aiohttp import web

from adapters.slack.app import SlackApp, SlackSecrets
from bot.runtime import Runtime
from taskbank.errors import Problem, ValidationFailed

log = logging.getLogger(__name__)
CUT_OFF_SECONDS = 1.0  # what aiohttp gives a request still running when the server closes


def secrets_from(environ: Mapping[str, str], mode: str) -> SlackSecrets:
    """The tokens from the environment, or a clear error naming each one missing."""
    needed = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    if mode == "socket":
        needed.append("SLACK_APP_TOKEN")
    missing = [name for name in needed if not environ.get(name)]
    if missing:
        raise ValidationFailed(
            [
                Problem(name, "is not set; Slack's app settings show it", "environment")
                for name in missing
            ],
            summary="Slack needs its secrets in the environment",
        )
    return SlackSecrets(
        environ["SLACK_BOT_TOKEN"], environ["SLACK_SIGNING_SECRET"], environ.get("SLACK_APP_TOKEN")
    )


def check_channels(runtime: Runtime) -> None:
    """Review cards and tallies need somewhere to go."""
    settings = runtime.config.slack
    missing = [
        Problem(f"slack.{key}", "is not set; expected a channel id like C0123ABCD", "configuration")
        for key in ("review_channel", "coordinator_channel")
        if not getattr(settings, key)
    ]
    if missing:
        raise ValidationFailed(missing, summary="Slack needs its channels")


async def run_slack(runtime: Runtime) -> None:
    """The Slack adapter's entry point (registered as `slack`); runs until the process is asked to
    stop, then takes no new work, finishes what it acknowledged and closes."""
    settings = runtime.config.slack
    check_channels(runtime)
    secrets = secrets_from(runtime.options.get("environ", os.environ), settings.mode)
    slack = SlackApp(runtime.build_bot, runtime.config, secrets)
    if settings.mode == "socket":
        from adapters.slack.socket import CountedSocketModeHandler

        handler = CountedSocketModeHandler(slack.bolt, secrets.app_token, slack.work)
        await slack.open()
        await handler.connect_async()
        log.info("connected to Slack in Socket Mode")
        runtime.up("slack")
        try:
            try:
                await runtime.until_stop_requested()
                # The socket stays open while work in flight finishes: a listener's answer goes
                # back over it when the listener returns (new envelopes are left unanswered).
                await slack.drain(runtime.finish)
            finally:
                await handler.close_async()
        finally:
            await slack.close()
        return
    # The drain has waited for every signed request: what still runs after it (a request past
    # the grace period, or one whose body never came) gets a moment, then is cut off.
    runner = web.AppRunner(slack.web_app(), access_log=None, shutdown_timeout=CUT_OFF_SECONDS)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    runtime.up("slack")
    log.info("serving Slack on http://%s:%s%s", settings.host, settings.port, settings.path)
    print(
        f"Taskbot serves Slack on http://{settings.host}:{settings.port}{settings.path}", flush=True
    )
    try:
        await runtime.until_stop_requested()
        await slack.drain(runtime.finish)
    finally:
        await runner.cleanup()  # stops listening, closes connections and the Web API session
    log.info("stopped serving Slack")
