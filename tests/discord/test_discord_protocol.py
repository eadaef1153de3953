"""The Discord protocol itself: the gateway handshake, restarts, rate limits, the fake's own
limit checks, `taskbot discord sync` and `taskbot run` against a local Discord."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

import discord
import pytest

from adapters.discord.app import DiscordApp
from adapters.discord.runner import run_discord
from bot.config import ScheduleConfig
from bot.runtime import Runtime
from bot.scheduler import Jobs
from taskbank.clock import ManualClock
from taskbank.errors import ValidationFailed
from taskbank.models import BatchState
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.conftest import connect, disconnect, discord_config
from tests.discord.test_discord_review import posted_sample, submitted
from tests.discord.test_discord_writer import claim, ids
from tests.discord_driver import Person, Server
from tests.discord_fake import (
    BOT_ID,
    GUILD_ID,
    TOKEN,
    FakeDiscord,
    message_problems,
    modal_problems,
)


async def test_the_client_identifies_with_the_least_intents_and_keeps_a_heartbeat(
    fake_discord, discord_bank
):
    fake_discord.heartbeat_ms = 50
    reviews, coordinators = fake_discord.add_channel("r"), fake_discord.add_channel("c")
    config = discord_config(fake_discord, reviews, coordinators)
    app = DiscordApp(Runtime(config, discord_bank, config.roles.roles()).build_bot, config)
    running = await connect(app, fake_discord)
    try:
        (identify,) = fake_discord.identified
        assert identify["token"] == TOKEN
        wanted = (1 << 0) | (1 << 10) | (1 << 12)  # guilds, guild reactions, direct messages
        assert identify["intents"] == wanted  # no message content (1 << 15), no members
        await Server(fake_discord, reviews).wait_for(
            lambda: fake_discord.heartbeats >= 2, "two heartbeats"
        )
    finally:
        await disconnect(app, running)


async def test_cards_and_review_messages_work_after_a_restart(room, discord_bank, tmp_path):
    """Components carry what they need in their custom ids; a new process acts on old cards."""
    await room.bank.import_batch(tone_batch(2, name="tone-2"), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    card = room.server.answer(
        await room.server.pick(room.writer, card, f"ans:{aid}:tone", ["tense"])
    )
    submission = await submitted(room, f"discord:{room.other_writer.id}")
    review = await posted_sample(room)
    await room.app.client.close()  # the old process goes away

    config = room.app.config
    runtime = Runtime(config, discord_bank, config.roles.roles())
    restarted = DiscordApp(runtime.build_bot, config)
    running = await connect(restarted, room.fake)
    try:
        for question, label in (("genre", "noir"),):
            card = room.server.answer(
                await room.server.pick(room.writer, card, f"ans:{aid}:{question}", [label])
            )
        card = room.server.answer(await room.server.click(room.writer, card, f"ans:{aid}:pacing:3"))
        card = room.server.answer(await room.server.click(room.writer, card, "Submit"))
        assert "Saved — pending review" in room.server.text(card)
        await room.server.react(room.reviewer, review, "✅")
        await room.server.wait_for(lambda: "Approved" in room.server.text(review), "the verdict")
        rows = await reads.statuses(room.bank)
        assert (submission, "approved") in rows and len(rows) == 2
    finally:
        await disconnect(restarted, running)


async def test_a_tally_to_many_writers_is_paced_and_survives_429s(room):
    writers = [Person(f"14000000000000000{n:02d}", f"w{n}") for n in range(4)]
    await room.bank.import_batch(tone_batch(4), filename="tone.jsonl")
    for person in writers:
        claimed = await room.bank.claim(f"discord:{person.id}")
        await room.bank.submit(
            claimed.assignment.id, f"discord:{person.id}", TONE_ANSWER, f"k-{person.id}"
        )
    room.bank.clock.advance(days=8)
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig(tally_chart=False))
    room.fake.rate_limit("POST", r"^/users/@me/channels$", times=1)  # discord.py waits it out
    room.fake.rate_limit("POST", r"^/users/@me/channels$", times=5)  # ...but gives up after 5
    with pytest.raises(discord.HTTPException):
        await jobs.run_tally()
    assert await reads.post_states(room.bank) == {
        "sent": 1,
        "pending": 1,
    }  # the summary; the first DM waits
    await jobs.run_tally()  # the next run sends what is pending, nothing twice
    for person in writers:
        (dm,) = room.fake.direct_to(person.id)
        assert dm["embeds"][0]["title"].startswith("Your pay")
    assert len(room.fake.in_channel(room.coordinators)) == 1
    assert await reads.post_states(room.bank) == {"sent": 5}


async def test_the_bots_own_reactions_and_custom_emoji_are_not_verdicts(room):
    submission = await submitted(room)
    review = await posted_sample(room)
    me = Person(BOT_ID, "Taskbot", ())
    await room.server.react(me, review, "✅")  # Discord echoes the bot's own ✅
    await room.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        {
            "user_id": room.reviewer.id,
            "channel_id": review["channel_id"],
            "message_id": review["id"],
            "guild_id": GUILD_ID,
            "member": room.reviewer.member(),
            "emoji": {"id": "1500000000000000001", "name": "white_check_mark"},
            "type": 0,
            "burst": False,
        },
    )
    await asyncio.sleep(0.3)
    assert (await room.bank.submission(submission)).status == "pending"


def test_the_fakes_checks_refuse_what_discord_refuses():
    embed = {
        "title": "t" * 257,
        "description": "d" * 4097,
        "fields": [{"name": "n", "value": "v" * 1025}],
    }
    row = {
        "type": 1,
        "components": [{"type": 2, "custom_id": f"b{i}", "label": "x"} for i in range(6)],
    }
    select = {
        "type": 1,
        "components": [
            {
                "type": 3,
                "custom_id": "s",
                "options": [{"label": str(i), "value": str(i)} for i in range(26)],
            }
        ],
    }
    problems = message_problems(
        {"content": "c" * 2001, "embeds": [embed], "components": [row] * 5 + [select]}
    )
    for needle in (
        "content",
        "embeds.0.title",
        "embeds.0.description",
        "fields.0.value",
        "components: must be 5",
        "components.0.components: must be 5",
        "options: must be between",
        "duplicated",
    ):
        assert any(needle in p for p in problems), needle
    big = {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}
    assert any("total size" in p for p in message_problems(big))
    modal = {
        "title": "m" * 46,
        "custom_id": "x",
        "components": [
            {
                "type": 18,
                "label": "l" * 46,
                "component": {"type": 4, "custom_id": "a", "max_length": 4001},
            }
        ]
        * 6,
    }
    found = modal_problems(modal)
    for needle in ("title", "between 1 and 5", "components.0.label", "max_length"):
        assert any(needle in p for p in found), needle


async def test_an_over_limit_message_gets_a_400_from_the_fake(room):
    channel = room.app.client.get_partial_messageable(int(room.general))
    with pytest.raises(discord.HTTPException) as raised:
        await channel.send(content="x" * 2001)
    assert raised.value.status == 400 and raised.value.code == 50035


async def test_missing_token_and_channels_are_named(fake_discord, discord_bank):
    config = discord_config(fake_discord, fake_discord.add_channel("r"), "")
    runtime = Runtime(config, discord_bank, config.roles.roles(), {"environ": {}})
    with pytest.raises(ValidationFailed, match=r"discord\.coordinator_channel"):
        await run_discord(runtime)
    config = discord_config(fake_discord, "1234567890123456789", "1234567890123456780")
    runtime = Runtime(config, discord_bank, config.roles.roles(), {"environ": {}})
    with pytest.raises(ValidationFailed) as raised:
        await run_discord(runtime)
    assert [p.field for p in raised.value.problems] == ["DISCORD_TOKEN"]
    runtime.options["environ"] = {"DISCORD_TOKEN": "wrong"}
    with pytest.raises(ValidationFailed, match="was refused by Discord"):
        await run_discord(runtime)


async def _closed_batch_from_two_weeks_ago(path) -> None:
    """A database in use since before last week (a new one posts no tally for the time before
    it existed), with nothing left to claim."""
    store = SqliteStore(path)
    await store.open()
    try:
        bank = TaskBank(store, clock=ManualClock(datetime.now(UTC) - timedelta(days=14)))
        batch = await bank.import_batch(tone_batch(1), filename="old.jsonl")
        await bank.set_batch_state(batch.id, BatchState.CLOSED)
    finally:
        await store.close()


def _config_file(tmp_path, fake: FakeDiscord, **discord_keys: str) -> str:
    keys = {
        "api_url": fake.api_url,
        "gateway_url": fake.gateway_url,
        "review_channel": "",
        "coordinator_channel": "",
        **discord_keys,
    }
    body = "\n".join(f'{k} = "{v}"' for k, v in keys.items())
    path = tmp_path / "taskbot.toml"
    path.write_text(
        f'[database]\nurl = "{tmp_path / "taskbot.db"}"\n[chat]\nadapters = ["discord"]\n'
        f"[discord]\n{body}\n"
    )
    return str(path)


async def _taskbot(*args: str, env: dict[str, str]) -> tuple[int, str]:
    done = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(done.communicate(), 60)
    return done.returncode or 0, out.decode()


async def test_discord_sync_registers_the_commands_in_a_server_or_globally(fake_discord, tmp_path):
    config = _config_file(tmp_path, fake_discord, guild_id=GUILD_ID)
    env = {**os.environ, "DISCORD_TOKEN": TOKEN}
    code, out = await _taskbot("discord", "sync", "--config", config, env=env)
    assert code == 0, out
    names = "/task, /work, /earnings, /review, /batch, /tally, /reinstate, /appeal, /bonus, /credit"
    assert f"registered {names}" in out  # as declared
    commands = {c["name"]: c for c in fake_discord.commands[GUILD_ID]}
    assert set(commands) == {n.strip("/ ") for n in names.split(",")}
    subcommands = {o["name"]: o for o in commands["batch"]["options"]}
    assert set(subcommands) == {"import", "list", "status", "pause", "resume", "close", "export"}
    imported = {o["name"]: o for o in subcommands["import"]["options"]}
    assert imported["file"]["type"] == 11 and imported["file"]["required"]  # an attachment
    assert imported["settings"]["type"] == 11 and not imported["settings"].get("required")
    code, out = await _taskbot("discord", "sync", "--global", "--config", config, env=env)
    assert code == 0 and len(fake_discord.commands["global"]) == len(commands)
    code, out = await _taskbot("discord", "sync", "--config", config, env=dict(os.environ))
    assert code == 2 and "DISCORD_TOKEN" in out


async def test_taskbot_run_serves_a_local_discord(fake_discord, tmp_path):
    general = fake_discord.add_channel("general")
    reviews, coordinators = fake_discord.add_channel("r"), fake_discord.add_channel("c")
    config = _config_file(
        tmp_path, fake_discord, review_channel=reviews, coordinator_channel=coordinators
    )
    await _closed_batch_from_two_weeks_ago(tmp_path / "taskbot.db")
    env = {**os.environ, "DISCORD_TOKEN": TOKEN}
    log = (tmp_path / "server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--config", config, env=env, stdout=log, stderr=log
    )
    try:
        try:
            await asyncio.wait_for(fake_discord.ready.wait(), 30)
        except TimeoutError:
            raise AssertionError((tmp_path / "server.log").read_text()) from None
        people = Server(fake_discord, general)
        answered = await people.command(Person("1300000000000000001", "rita"), "task")
        assert "Nothing to claim" in people.text(people.answer(answered))
        # The scheduler runs in `taskbot run`: its catch-up tally reaches the coordinators.
        await people.wait_for(lambda: fake_discord.in_channel(coordinators), "the tally")
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)
        log.close()


async def test_a_sharded_process_identifies_as_its_shard(fake_discord, discord_bank):
    from bot.config import Config

    reviews, coordinators = fake_discord.add_channel("r"), fake_discord.add_channel("c")
    base = discord_config(fake_discord, reviews, coordinators).model_dump()
    base["discord"].update(shard_id=1, shard_count=2)
    config = Config.model_validate(base)
    app = DiscordApp(Runtime(config, discord_bank, config.roles.roles()).build_bot, config)
    running = await connect(app, fake_discord)
    try:
        assert fake_discord.identified[0]["shard"] == [1, 2]
    finally:
        await disconnect(app, running)
    with pytest.raises(ValueError, match="together"):
        Config.model_validate({"discord": {"shard_id": 1}})
    with pytest.raises(ValueError, match="below shard_count"):
        Config.model_validate({"discord": {"shard_id": 2, "shard_count": 2}})


async def test_a_control_id_of_the_wrong_shape_is_refused_in_words(room):
    old = room.fake.bot_message(
        room.general,
        {
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 2, "label": "Old", "custom_id": "submit:not-a-number"}
                    ],
                }
            ]
        },
    )
    done = await room.server.click(room.writer, old, "Old")
    # A control id of the wrong shape is refused in words (it used to be an unexpected failure).
    assert "is not a control this bot made" in room.server.text(room.server.answer(done))
