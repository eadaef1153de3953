"""`taskbot writer forget` and the contributors file of `taskbot batch export`, through typer's
runner: it asks first, says what it changed per table, refuses unknown ids; the export writes
the contributors file beside the rows."""

from __future__ import annotations

import asyncio
import csv

from bot.bootstrap import opened_bank
from bot.cli import app
from bot.config import load_config
from taskbank.models import Verdict
from tests.batches import TONE_ANSWER, tone_batch


def answered(config) -> tuple[int, int]:
    async def work():
        async with opened_bank(load_config(config)) as bank:
            batch = await bank.import_batch(tone_batch(2), filename="b.jsonl")
            for writer in ("test:ana", "test:ben"):
                claimed = await bank.claim(writer)
                result = await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, writer)
                await bank.record_review(result.submission.id, "test:rev", Verdict.APPROVED)
            await bank.set_credit("test:ana", "Test project", "Ana Lima")
            return batch.id, sum(e.amount_cents for e in await bank.store.ledger_entries())

    return asyncio.run(work())


def ledger_total(config) -> tuple[int, set[str]]:
    async def work():
        async with opened_bank(load_config(config)) as bank:
            entries = await bank.store.ledger_entries()
            return sum(e.amount_cents for e in entries), {e.writer_id for e in entries}

    return asyncio.run(work())


def test_forget_asks_first_and_changes_nothing_when_told_no(runner, config):
    _, total = answered(config)
    result = runner.invoke(
        app, ["writer", "forget", "test:ben", "--config", str(config)], input="n\n"
    )
    assert result.exit_code == 1 and "nothing changed" in result.output
    assert "test:ben is named in: assignments 1, submissions 1, ledger 1" in result.output
    assert ledger_total(config) == (total, {"test:ana", "test:ben"})


def test_forget_with_yes_prints_the_rows_changed_and_keeps_the_ledger_sum(runner, config):
    _, total = answered(config)
    result = runner.invoke(app, ["writer", "forget", "test:ana", "--yes", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "forgot test:ana: now w-" in result.output
    assert "assignments 1, submissions 1, ledger 1, writer_credits 1" in result.output
    summed, writers = ledger_total(config)
    assert summed == total and "test:ana" not in writers and len(writers) == 2


def test_forget_refuses_an_unknown_id(runner, config):
    answered(config)
    result = runner.invoke(
        app, ["writer", "forget", "slack:U0NOBODY", "--yes", "--config", str(config)]
    )
    assert result.exit_code == 2 and "no writer 'slack:U0NOBODY'" in result.stderr


def test_batch_export_writes_the_contributors_file_beside_the_rows(runner, config, tmp_path):
    batch_id, _ = answered(config)
    out = tmp_path / "tone.csv"
    result = runner.invoke(
        app,
        [
            "batch",
            "export",
            str(batch_id),
            "--format",
            "csv",
            "-o",
            str(out),
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "contributors: 1 credited, 1 more counted anonymously" in result.output
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["writer"] == "Ana Lima" and rows[1]["writer"].startswith("w-")
    assert "test:" not in out.read_text()
    credits = list(csv.reader((tmp_path / "tone.contributors.csv").open()))
    assert credits[1][0] == "Ana Lima" and credits[2][0] == "1 more contributor (not credited)"
