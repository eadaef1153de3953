"""Where coordinators see the figures: `taskbot batch quality` (and its chart), the consensus
export from the CLI, the Quality line of /batch status, and the digest in the tally summary."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from bot.bootstrap import opened_bank
from bot.cli import app
from bot.config import ScheduleConfig, load_config
from bot.handlers.context import BotContext
from bot.handlers.coordinator import status_card
from bot.roles import Roles
from bot.scheduler import Jobs
from taskbank.models import Period
from tests.fake_chat import FakeChat
from tests.quality.conftest import answer_in_order, batch_file
from tests.quality.test_figures import QUESTIONS, TONES, answers_of


async def answered(bank) -> int:  # type: ignore[no-untyped-def]
    batch = await bank.import_batch(
        batch_file(QUESTIONS, 4, overlap=3, gold={4: {"tone": "calm"}}), filename="q.jsonl"
    )
    for writer in TONES:
        await answer_in_order(bank, batch.id, writer, answers_of(writer))
    return batch.id


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "taskbot.toml"
    path.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    return path


@pytest.fixture
def cli_batch(config) -> int:
    async def work() -> int:
        async with opened_bank(load_config(config)) as bank:
            return await answered(bank)

    return asyncio.run(work())


def test_batch_quality_prints_alpha_writers_and_tasks_to_adjudicate(config, cli_batch, tmp_path):
    chart = tmp_path / "writers.png"

    result = CliRunner().invoke(
        app,
        ["batch", "quality", str(cli_batch), "--resamples", "200", "--chart", str(chart),
         "--config", str(config)],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "12 answers on 4 tasks" in result.output
    assert "nominal" in result.output and "masi" in result.output and "kendall" in result.output
    assert "100% of 1" in result.output  # A and B answered the gold task right
    assert "0% of 1" in result.output  # C did not
    assert "Tasks needing adjudication:" in result.output
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_batch_quality_refuses_a_malformed_level(config, cli_batch):
    result = CliRunner().invoke(
        app, ["batch", "quality", str(cli_batch), "--level", "tone", "--config", str(config)]
    )

    assert result.exit_code == 2 and "QUESTION=LEVEL" in result.stderr


def test_batch_export_consensus_writes_one_row_per_task(config, cli_batch, tmp_path):
    target = tmp_path / "consensus.jsonl"

    result = CliRunner().invoke(
        app,
        ["batch", "export", str(cli_batch), "--consensus", "-o", str(target), "--config", str(config)],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert [r["task_external_id"] for r in rows] == ["u-01", "u-02", "u-03", "u-04"]
    assert rows[0]["consensus"]["genre"] == ["noir"]
    assert set(rows[0]["method"].values()) <= {"model", "vote"}


async def test_batch_status_carries_a_quality_line(bank):
    batch_id = await answered(bank)

    card = await status_card(bank, batch_id, "USD")

    line = {f.label: f.value for f in card.fields}["Quality"]
    assert line.startswith("α tone ") and "gold 66% of 3" in line and "to adjudicate" in line


async def test_batch_status_of_an_unanswered_batch_says_so(bank):
    batch = await bank.import_batch(batch_file(QUESTIONS, 2, overlap=2), filename="e.jsonl")

    card = await status_card(bank, batch.id, "USD")

    assert {f.label: f.value for f in card.fields}["Quality"].startswith("no task has two answers")


async def test_the_tally_summary_carries_the_quality_digest(bank, clock):
    batch_id = await answered(bank)
    chat = FakeChat()
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig(tally_chart=False))
    now = bank.now()

    await jobs.post_tally(Period(now - timedelta(days=1), now + timedelta(days=1), "this week"))

    summary = next(s for s in chat.sent if s.kind == "post").card
    digest = next(b for b in summary.blocks if b.startswith("Quality:"))
    assert f"Batch {batch_id} quality-1: α tone" in digest
