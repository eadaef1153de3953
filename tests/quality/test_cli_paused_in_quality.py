"""`taskbot batch quality N` lists the writers paused on the batch, since when and why, on both
stores; a reinstated writer is no longer listed."""

from __future__ import annotations

import asyncio
import random

from typer.testing import CliRunner

from bot.cli import app
from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store import open_store
from tests.quality_flow.test_gold_mixing import WRONG, gold_batch


async def pause_ana(url: str) -> None:
    """Ana misses both gold answers of a window of two and is paused on batch 1."""
    store = open_store(url)
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


def quality_output(config) -> str:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["batch", "quality", "1", "--resamples", "0", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_batch_quality_lists_paused_writers_with_when_and_why(database, tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{database}"\n')
    asyncio.run(pause_ana(database))

    shown = quality_output(config)

    assert "Paused writers: 1" in shown
    assert "slack:U0ANA on batch 1 since 20" in shown  # when, in the configured zone (UTC)
    assert "0 of 2 gold answers right" in shown
    assert "this batch needs at least 50%" in shown  # why

    done = CliRunner().invoke(
        app, ["batch", "reinstate", "1", "slack:U0ANA", "--config", str(config)]
    )
    assert done.exit_code == 0, done.output
    assert "Paused writers: none" in quality_output(config)


def test_a_pause_is_dated_in_the_configured_zone_and_names_it(database, tmp_path):
    # given a bot configured for India (+05:30) and a writer paused at 09:00 UTC
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{database}"\n[locale]\ntime_zone = "Asia/Kolkata"\n')
    asyncio.run(pause_ana(database))
    # then the coordinator reads the pause's time in that zone, saying which
    shown = quality_output(config)
    assert "slack:U0ANA on batch 1 since 2026-11-02 14:30 IST" in shown
    assert "UTC" not in shown
