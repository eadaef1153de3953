"""`taskbot batch paused` lists paused writers with their record; `batch reinstate` lets one back."""

from __future__ import annotations

import asyncio
import random

from typer.testing import CliRunner

from bot.cli import app
from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.quality_flow.test_gold_mixing import WRONG, gold_batch


async def pause_ana(path) -> None:
    store = SqliteStore(path)
    await store.open()
    try:
        bank = TaskBank(store, clock=ManualClock(), rng=random.Random(1))
        data = gold_batch(2, 4, gold_rate=1.0, pause={"window": 2, "min_accuracy": 0.5})
        await bank.import_batch(data, filename="g.jsonl")
        for _ in range(2):
            claimed = await bank.claim("slack:U0ANA")
            await bank.submit(
                claimed.assignment.id, "slack:U0ANA", WRONG, f"k{claimed.assignment.id}"
            )
    finally:
        await store.close()


def test_paused_writers_are_listed_and_reinstated_from_the_command_line(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    asyncio.run(pause_ana(tmp_path / "cli.db"))
    runner = CliRunner()

    listed = runner.invoke(app, ["batch", "paused", "--config", str(config)])
    assert listed.exit_code == 0, listed.output
    assert "slack:U0ANA on batch 1 since" in listed.output
    assert "0 of 2 gold answers right" in listed.output

    done = runner.invoke(app, ["batch", "reinstate", "1", "slack:U0ANA", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert "reinstated slack:U0ANA on batch 1" in done.output
    assert (
        "no writer is paused"
        in runner.invoke(app, ["batch", "paused", "--config", str(config)]).output
    )

    again = runner.invoke(app, ["batch", "reinstate", "1", "slack:U0ANA", "--config", str(config)])
    assert again.exit_code == 2 and "slack:U0ANA is not paused on batch 1" in again.output
