"""Exports rebuild into training data on their own: every row carries the task's input (the
payload: an object in JSONL, a column per field in CSV) and its gold answer where there is one,
through the real `taskbot batch export` on both stores."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random

import pytest
from typer.testing import CliRunner

from bot.cli import app
from taskbank.service import TaskBank
from taskbank.store import open_store
from tests.batches import TONE_ANSWER, header, jsonl, tone_task
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema

GOLD = {"tone": "tense", "genre": ["noir"], "pacing": 3}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "export.db")
        return
    schema = asyncio.run(postgres_schema())
    try:
        yield f"{POSTGRES_URL}?search_path={schema}"
    finally:
        asyncio.run(drop_schema(schema))


async def answered_batch(url: str) -> None:
    """A two-task batch, one with gold, both answered."""
    store = open_store(url)
    await store.open()
    try:
        bank = TaskBank(store, rng=random.Random(3))
        tasks = [tone_task(1, gold=GOLD), tone_task(2)]
        await bank.import_batch(jsonl(header(overlap=1), tasks), filename="b.jsonl")
        for writer in ("test:ana", "test:ben"):
            claimed = await bank.claim(writer)
            await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, writer)
    finally:
        await store.close()


def export(database: str, tmp_path, file_format: str) -> str:
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{database}"\n')
    out = tmp_path / f"out.{file_format}"
    result = CliRunner().invoke(
        app,
        ["batch", "export", "1", "--format", file_format, "-o", str(out), "-c", str(config)],
    )
    assert result.exit_code == 0, result.output
    return out.read_text()


def test_jsonl_rows_carry_the_payload_object_and_the_gold(database, tmp_path):
    asyncio.run(answered_batch(database))
    rows = {
        r["task_external_id"]: r
        for r in map(json.loads, export(database, tmp_path, "jsonl").splitlines())
    }
    assert rows["t-0001"]["payload"] == tone_task(1)["payload"]
    assert rows["t-0001"]["gold"] == GOLD
    assert rows["t-0002"]["payload"] == tone_task(2)["payload"] and rows["t-0002"]["gold"] is None


def test_csv_rows_carry_a_column_per_payload_field_and_per_gold_answer(database, tmp_path):
    asyncio.run(answered_batch(database))
    rows = {
        r["task_external_id"]: r
        for r in csv.DictReader(io.StringIO(export(database, tmp_path, "csv")))
    }
    assert rows["t-0001"]["payload.excerpt"] == tone_task(1)["payload"]["excerpt"]
    assert rows["t-0001"]["gold.tone"] == "tense"
    assert rows["t-0002"]["payload.excerpt"] == tone_task(2)["payload"]["excerpt"]
    assert rows["t-0002"]["gold.tone"] == ""
