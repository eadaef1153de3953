"""A stop loses nothing: `taskbot run` (and `taskbot demo`) asked to stop by SIGTERM or SIGINT takes
no new work (Discord too), finishes the work it already acknowledged, commits, closes, and exits 0."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys

import aiohttp
import pytest
from aiohttp import web

from adapters.discord.runner import run_discord
from bot.bootstrap import build_runtime
from tests.batches import tone_batch
from tests.discord.conftest import discord_config
from tests.discord_driver import Person
from tests.discord_driver import Server as DiscordServer
from tests.discord_fake import TOKEN as DISCORD_TOKEN
from tests.discord_fake import GatedDiscord
from tests.inspect_db import query
from tests.slack_driver import SIGNING_SECRET, free_port, wait_until_serving
from tests.slack_fake import BOT_TOKEN, FakeSlack, payloads, signing
from tests.waiting import until

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
TASKBOT = [sys.executable, "-m", "bot.cli"]
BURST = 120


class GatedSlack(FakeSlack):
    """The fake Slack, holding every response_url post until the test opens the gate: the work
    that follows each acknowledgement is then surely in flight when the signal comes."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.held = 0

    async def _respond(self, request: web.Request) -> web.Response:
        self.held += 1
        await self.gate.wait()
        return await super()._respond(request)


@pytest.fixture
async def gated_slack():
    fake = await GatedSlack().start()
    try:
        yield fake
    finally:
        fake.gate.set()
        await fake.stop()


def slack_toml(tmp_path, fake: FakeSlack, port: int) -> str:
    path = tmp_path / "taskbot.toml"
    path.write_text(
        f"""
[database]
url = "{tmp_path / "run.db"}"
[chat]
adapters = ["slack"]
shutdown_grace_seconds = 60
[schedule]
enabled = false
[slack]
port = {port}
api_url = "{fake.api_url}"
review_channel = "C0REVIEWS"
coordinator_channel = "C0COORDS"
"""
    )
    return str(path)


async def send_task(session, base: str, fake: FakeSlack, user: str) -> int | None:
    """A signed /task from `user`; the HTTP status, or None when the app no longer listens."""
    body = payloads.slash_command(
        "/task", "", user, "C0WRITERS", fake.issue_response_url(user, "C0WRITERS")
    )
    headers = {
        **signing.sign(SIGNING_SECRET, body),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        async with session.post(f"{base}/slack/events", data=body, headers=headers) as got:
            return got.status
    except aiohttp.ClientError:
        return None


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
async def test_a_signal_mid_burst_finishes_every_acknowledged_command_and_exits_0(
    gated_slack, tmp_path, stop_signal
):
    # given a bank of tasks and `taskbot run` serving Slack
    port = free_port()
    config = ["--config", slack_toml(tmp_path, gated_slack, port)]
    (tmp_path / "tone.jsonl").write_bytes(tone_batch(BURST * 2))
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "PYTHONFAULTHANDLER": "1",
    }
    imported = await asyncio.create_subprocess_exec(
        *TASKBOT, "batch", "import", str(tmp_path / "tone.jsonl"), *config, env=env
    )
    assert await imported.wait() == 0
    log = (tmp_path / "server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        *TASKBOT, "run", *config, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    acknowledged: set[str] = set()
    try:
        if not await wait_until_serving(base, attempts=300):
            raise AssertionError((tmp_path / "server.log").read_text())
        async with aiohttp.ClientSession() as session:
            # when a burst of /task is acknowledged and its work is held mid-flight
            users = [f"U0W{number:04d}" for number in range(BURST)]
            statuses = await asyncio.gather(
                *(send_task(session, base, gated_slack, user) for user in users)
            )
            assert statuses == [200] * BURST
            acknowledged.update(users)
            await until(lambda: gated_slack.held >= 64, "work in flight, held by the fake")
            server.send_signal(stop_signal)
            # then new work is refused, not acknowledged and dropped
            late = 0

            async def refused() -> bool:
                nonlocal late
                user = f"U0LATE{late:03d}"
                late += 1
                status = await send_task(session, base, gated_slack, user)
                if status == 200:
                    acknowledged.add(user)  # sent before the signal was handled: owed too
                return status in (503, None)

            for _ in range(200):
                if await refused():
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the app kept taking new work after the signal")
            gated_slack.gate.set()
            try:
                code = await asyncio.wait_for(server.wait(), 90)
            except TimeoutError:
                # a stop that hangs: fail with the stack of every thread of the server
                server.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
                await server.wait()
                log.flush()
                raise AssertionError((tmp_path / "server.log").read_text()[-20000:]) from None
    finally:
        gated_slack.gate.set()
        if server.returncode is None:
            server.kill()
            await server.wait()
        log.close()
    output = (tmp_path / "server.log").read_text()
    assert code == 0, output
    assert "Traceback" not in output
    # and every acknowledged command got its card, and its claim is in the database
    carded = {m.user for m in gated_slack.messages.values()}
    assert acknowledged <= carded, sorted(acknowledged - carded)[:5]
    with sqlite3.connect(tmp_path / "run.db") as db:
        holders = {row[0] for row in db.execute("SELECT writer_id FROM assignments")}
    assert {f"slack:{user}" for user in acknowledged} <= holders


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
async def test_the_console_stops_on_a_signal_and_exits_0(tmp_path, stop_signal):
    demo = await asyncio.create_subprocess_exec(
        *TASKBOT,
        "demo",
        "--db",
        str(tmp_path / "demo.db"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert demo.stdin is not None and demo.stdout is not None
    try:
        demo.stdin.write(b"/task\n")
        await demo.stdin.drain()
        seen = b""
        while b"Open work" not in seen:  # the demo has several batches open: /task's menu
            chunk = await asyncio.wait_for(demo.stdout.read(4096), 60)
            assert chunk, seen.decode()
            seen += chunk
        # the script is not over (stdin stays open): the session waits for the next line
        demo.send_signal(stop_signal)
        # (not communicate(): it would close stdin, and the end of the input ends a session too)
        assert demo.stderr is not None
        _, errors, _ = await asyncio.wait_for(
            asyncio.gather(demo.stdout.read(), demo.stderr.read(), demo.wait()), 60
        )
    finally:
        if demo.returncode is None:
            demo.kill()
            await demo.wait()
    assert demo.returncode == 0, errors.decode()
    assert b"Traceback" not in errors


async def test_discord_stops_taking_work_and_finishes_what_it_deferred(chat_bank):
    fake = await GatedDiscord().start()
    running: asyncio.Task[None] | None = None
    try:
        # given Taskbot on Discord, serving, with a bank of tasks
        general, reviews, coordinators = (fake.add_channel(n) for n in ("general", "r", "c"))
        people = [Person(f"13000000000000{n:05d}", f"writer{n}") for n in range(12)]
        for person in people:
            fake.add_member(person.member())
        await chat_bank.import_batch(tone_batch(40), filename="tone.jsonl")
        config = discord_config(fake, reviews, coordinators)
        environ = {"DISCORD_TOKEN": DISCORD_TOKEN}
        runtime = build_runtime(config, chat_bank, options={"environ": environ})
        running = asyncio.create_task(run_discord(runtime))
        server = DiscordServer(fake, general)
        first = await server.command(people[0], "task")  # connected and answering
        assert first.edits == 1
        # when commands are deferred and their answers held mid-flight, and a stop is asked
        fake.gate.clear()
        held = [await server.command(p, "task", wait=False) for p in people[1:9]]
        await until(lambda: fake.gated == len(held), "deferred work held by the fake")
        runtime.request_stop()
        # then a new command is told to come back, and nothing is started for it
        late = people[9:]
        for person in late:
            record = await server.command(person, "task", wait=False)
            await until(lambda r=record: r.callback is not None, "an answer to a late command")
            if record.callback == 4:
                assert "restarting" in json.dumps(record.callback_data)
                break
            held.append(record)  # taken before the stop was seen: owed like the others
        else:
            raise AssertionError("Discord work was still taken after the stop")
        fake.gate.set()
        await asyncio.wait_for(running, 30)
        # and every deferred command got its card, its claim stored
        assert all(record.edits == 1 for record in held)
        writers = {
            row[0] for row in await query(chat_bank.store, "SELECT writer_id FROM assignments")
        }
        owed = {f"discord:{r.payload['member']['user']['id']}" for r in [first, *held]}
        assert owed <= writers
    finally:
        fake.gate.set()
        if running is not None and not running.done():
            running.cancel()
        await fake.stop()
