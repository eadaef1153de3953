"""A big import must not freeze Discord: while `taskbot run` imports a coordinator's file near
the size limit, the interactions other members send meanwhile are each acknowledged within
Discord's 3 seconds (the fake answers a later first answer with 404, as Discord does).

The bot runs as its own process, so the fake Discord keeps its own clock and loop: a bot that
blocks its event loop cannot also hold back the interactions it is late for."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from tests.batches import header
from tests.discord_driver import Person, Server
from tests.discord_fake import TOKEN, FakeDiscord
from tests.waiting import until

LIMIT_MB = 16
OTHERS = [Person(f"15000000000000000{n:02d}", f"member{n}") for n in range(30)]
COORDINATOR = Person("1300000000000000004", "coco")


def big_batch(size: int) -> bytes:
    """A well-formed JSONL batch of many short tasks, just under `size` bytes (short tasks cost
    the most work per byte: 16 MB is about 300,000 of them)."""
    lines = [json.dumps({"batch": header(name="big")})]
    total, n = len(lines[0]) + 1, 0
    while True:
        line = json.dumps({"id": f"t{n}", "payload": {"excerpt": f"A: {n}"}})
        if total + len(line) + 1 > size:
            break
        lines.append(line)
        total += len(line) + 1
        n += 1
    return ("\n".join(lines) + "\n").encode()


def config_file(tmp_path, fake: FakeDiscord, reviews: str, coordinators: str) -> str:
    path = tmp_path / "taskbot.toml"
    path.write_text(
        f'[database]\nurl = "{tmp_path / "taskbot.db"}"\n'
        f"[defaults]\nmax_import_mb = {LIMIT_MB}\n"
        '[chat]\nadapters = ["discord"]\n'
        f'[roles]\nwriters = ["*"]\ncoordinators = ["discord:{COORDINATOR.id}"]\n'
        f'[discord]\napi_url = "{fake.api_url}"\ngateway_url = "{fake.gateway_url}"\n'
        f'review_channel = "{reviews}"\ncoordinator_channel = "{coordinators}"\n'
    )
    return str(path)


async def test_interactions_are_acknowledged_in_time_during_a_big_import(fake_discord, tmp_path):
    fake = fake_discord
    general, reviews, coordinators = (fake.add_channel(n) for n in ("general", "r", "c"))
    for person in (COORDINATOR, *OTHERS):
        fake.add_member(person.member())
    data = big_batch(LIMIT_MB * 1024 * 1024 - 1024)
    env = {**os.environ, "DISCORD_TOKEN": TOKEN}
    log = (tmp_path / "server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--config",
        config_file(tmp_path, fake, reviews, coordinators), env=env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        try:
            await asyncio.wait_for(fake.ready.wait(), 30)
        except TimeoutError:
            raise AssertionError((tmp_path / "server.log").read_text()) from None
        people = Server(fake, general)
        imported = await people.command(
            COORDINATOR, "batch", sub="import", file=("big.jsonl", data),
            channel=coordinators, wait=False,
        )  # fmt: skip
        await until(lambda: fake.downloads, "the bot fetching the file", seconds=30)
        others = []
        for person in OTHERS:  # spread over the import, a member every tenth of a second
            others.append(await people.command(person, "task", wait=False))
            await asyncio.sleep(0.1)
        assert not imported.answered.is_set(), "the import ended before the others were sent"
        await until(
            lambda: all(r.callback is not None or r.late for r in [imported, *others]),
            "every interaction's first answer",
            seconds=120,
        )
        waited = sorted(r.first_answer_after or 0.0 for r in others)
        late = [r for r in others if r.late]
        assert not late, f"{len(late)} of {len(others)} answered after 3 s; waits {waited}"
        await until(lambda: imported.answered.is_set(), "the import's answer", seconds=120)
        assert "Imported batch 1: big" in people.text(people.answer(imported))
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)
        log.close()
