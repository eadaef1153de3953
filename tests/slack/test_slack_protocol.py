"""Slack's request protocol: signatures, URL verification, health, Socket Mode, `taskbot run`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.runner import run_slack
from bot.runtime import Runtime
from tests import bank_reads as reads
from tests.batches import tone_batch
from tests.slack.conftest import WRITER, slack_config
from tests.slack_driver import SIGNING_SECRET, free_port, wait_until_serving
from tests.slack_fake import APP_TOKEN, BOT_TOKEN, payloads, signing

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


async def nothing_happened(workspace) -> None:
    await asyncio.sleep(0.3)  # the app works after its answer: let any work show
    assert workspace.fake.calls == []
    assert await reads.assignment_states(workspace.bank) == {}


@pytest.mark.parametrize(
    ("secret", "age_seconds"),
    [(None, 0), ("wrong-secret", 0), (SIGNING_SECRET, 6 * 60)],
    ids=["missing", "wrong", "stale"],
)
async def test_unsigned_wrongly_signed_or_stale_requests_get_401_and_touch_nothing(
    workspace, secret, age_seconds
):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    url = workspace.fake.issue_response_url(WRITER, "C0WRITERS")
    body = payloads.slash_command("/task", "", WRITER, "C0WRITERS", url)
    status, _ = await workspace.send(body, secret=secret, timestamp=int(time.time()) - age_seconds)
    assert status == 401
    await nothing_happened(workspace)


async def test_a_body_changed_after_signing_is_refused(workspace):
    url = workspace.fake.issue_response_url(WRITER, "C0WRITERS")
    body = payloads.slash_command("/task", "", WRITER, "C0WRITERS", url)
    headers = signing.sign(SIGNING_SECRET, body)
    async with workspace.session.post(
        workspace.app_url,
        data=body.replace("task", "tally").encode(),
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    ) as answer:
        assert answer.status == 401
    await nothing_happened(workspace)


async def test_url_verification_and_health(workspace):
    body = json.dumps(
        {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    )
    status, text = await workspace.send(body, "application/json")
    assert (status, json.loads(text)) == (200, {"challenge": "3eZbrw1aBm2rZgRNFdxV"})
    async with workspace.session.get(workspace.app_url.replace("/slack/events", "/healthz")) as got:
        assert got.status == 200


async def test_slacks_certificate_check_gets_200_and_touches_nothing(workspace):
    # Slack's slash-command page: on setting a command URL, Slack may POST ssl_check=1 (with a
    # token) to check the certificate, and expects a 200.
    status, _ = await workspace.send("ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO")
    assert status == 200
    await nothing_happened(workspace)
    status, _ = await workspace.send("ssl_check=1&token=x", secret="wrong-secret")
    assert status == 401


async def the_writers_task_card(fake_slack) -> None:
    """Wait for the one card the app posts after a /task, and check it is the writer's task."""
    for _ in range(1500):  # a bound against hanging, not a speed assertion
        if fake_slack.messages:
            break
        await asyncio.sleep(0.01)
    (card,) = fake_slack.messages.values()
    assert card.user == WRITER and "Line 1" in json.dumps(card.blocks)


async def test_taskbot_run_serves_slack_over_http(fake_slack, tmp_path):
    """`taskbot run --config FILE` with Slack enabled: a signed /task gets a card."""
    port = free_port()
    database = tmp_path / "run.db"
    (tmp_path / "tone.jsonl").write_bytes(tone_batch(1))
    (tmp_path / "taskbot.toml").write_text(
        f"""
[database]
url = "{database}"
[chat]
adapters = ["slack"]
[schedule]
enabled = false
[slack]
port = {port}
api_url = "{fake_slack.api_url}"
review_channel = "C0REVIEWS"
coordinator_channel = "C0COORDS"
"""
    )
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    taskbot = [sys.executable, "-m", "bot.cli"]
    config = ["--config", str(tmp_path / "taskbot.toml")]
    imported = await asyncio.create_subprocess_exec(
        *taskbot, "batch", "import", str(tmp_path / "tone.jsonl"), *config, env=env
    )
    assert await imported.wait() == 0
    log = (tmp_path / "server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        *taskbot, "run", *config, env=env, stdout=log, stderr=log
    )
    try:
        base = f"http://127.0.0.1:{port}"
        if not await wait_until_serving(base, attempts=300):
            raise AssertionError((tmp_path / "server.log").read_text())
        async with aiohttp.ClientSession() as session:
            url = fake_slack.issue_response_url(WRITER, "C0WRITERS")
            body = payloads.slash_command("/task", "", WRITER, "C0WRITERS", url)
            headers = {
                **signing.sign(SIGNING_SECRET, body),
                "Content-Type": "application/x-www-form-urlencoded",
            }
            async with session.post(f"{base}/slack/events", data=body, headers=headers) as got:
                assert got.status == 200
        await the_writers_task_card(fake_slack)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)
        log.close()


async def test_missing_secrets_and_channels_are_named(fake_slack, slack_bank):
    from taskbank.errors import ValidationFailed

    config = slack_config(fake_slack)
    runtime = Runtime(config, slack_bank, config.roles.roles(), {"environ": {}})
    with pytest.raises(ValidationFailed) as raised:
        await run_slack(runtime)
    assert {p.field for p in raised.value.problems} == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
    config = slack_config(fake_slack, review_channel="")
    runtime = Runtime(config, slack_bank, config.roles.roles(), {"environ": {}})
    with pytest.raises(ValidationFailed, match=r"slack\.review_channel"):
        await run_slack(runtime)


async def test_socket_mode_receives_a_command_and_acks_its_envelope(fake_slack, slack_bank):
    await slack_bank.import_batch(tone_batch(1), filename="tone.jsonl")
    config = slack_config(fake_slack, mode="socket")
    environ = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": APP_TOKEN,
    }
    runtime = Runtime(config, slack_bank, config.roles.roles(), {"environ": environ})
    running = asyncio.get_running_loop().create_task(run_slack(runtime))
    try:
        url = fake_slack.issue_response_url(WRITER, "C0WRITERS")
        command = dict(
            pair.split("=", 1)
            for pair in payloads.slash_command("/task", "", WRITER, "C0WRITERS", url).split("&")
        )
        from urllib.parse import unquote_plus

        command = {key: unquote_plus(value) for key, value in command.items()}
        await fake_slack.socket_outbox.put(
            {
                "envelope_id": "57d6a792-4d35-4997-a227-8ef0f1a3c4a8",
                "payload": command,
                "type": "slash_commands",
                "accepts_response_payload": True,
            }
        )
        ack = await asyncio.wait_for(fake_slack.socket_inbox.get(), 15)
        assert ack["envelope_id"] == "57d6a792-4d35-4997-a227-8ef0f1a3c4a8"
        await the_writers_task_card(fake_slack)
        assert fake_slack.called("apps.connections.open")
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running


def test_the_manifest_matches_what_the_app_listens_for():
    """The app manifest a coordinator pastes into Slack names what the app really handles."""
    from bot.config import Config

    manifest = json.loads(
        (Path(__file__).parents[2] / "adapters" / "slack" / "manifest.json").read_text()
    )
    settings = Config().slack
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == set(settings.commands.values())
    assert manifest["features"]["shortcuts"][0]["callback_id"] == settings.import_shortcut
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "reaction_added",
        "app_home_opened",
    ]
    urls = {c["url"] for c in manifest["features"]["slash_commands"]} | {
        manifest["settings"]["interactivity"]["request_url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
    }
    assert urls == {f"https://YOUR-HOST{settings.path}"}
    needed = {"commands", "chat:write", "im:write", "files:read", "files:write"}
    # history: a retried scheduled post looks for its own marker before posting again
    history = {"channels:history", "groups:history", "im:history"}
    assert needed | {"reactions:read", "reactions:write"} | history == set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


def test_the_packaged_manifest_is_the_one_the_command_declaration_gives():
    """adapters/slack/manifest.json is generated from bot/commands.py (see its module), so a
    command changed in one place and not regenerated fails here."""
    from adapters.slack.manifest import manifest

    packaged = json.loads(
        (Path(__file__).parents[2] / "adapters" / "slack" / "manifest.json").read_text()
    )
    assert packaged == manifest()


def test_each_declared_command_is_a_slash_command_with_its_usage():
    from adapters.slack.manifest import slash_commands
    from bot.commands import COMMANDS

    listed = {c["command"]: c for c in slash_commands("https://example.test/slack/events")}
    assert list(listed) == [f"/{c.name}" for c in COMMANDS]
    assert listed["/earnings"]["usage_hint"] == "[day | week | month | export]"
    assert "export <id> [jsonl | csv]" in listed["/batch"]["usage_hint"]
    assert listed["/review"]["usage_hint"] == "[adjudicate …]"  # optional words
    assert listed["/reinstate"]["usage_hint"] == "<@writer> <id>"
    bare = [f"/{c.name}" for c in COMMANDS if not c.usage()]
    assert all("usage_hint" not in listed[name] for name in bare)  # nothing to take
    assert all(
        c["description"] == d.description for c, d in zip(listed.values(), COMMANDS, strict=True)
    )
