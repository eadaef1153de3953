"""The `taskbot` command's rough edges, smoothed: --config everywhere, reading commands that
create nothing, an empty database's hint, migrations named, writers found by their full id."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.bootstrap import opened_bank
from bot.cli import app
from bot.config import load_config
from tests.batches import TONE_ANSWER, tone_batch


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "taskbot.toml"
    path.write_text(f'[database]\nurl = "{tmp_path / "edges.db"}"\n')
    return str(path)


@pytest.mark.parametrize(
    "command",
    [
        ["demo"], ["run"], ["config", "check"], ["tally"], ["db", "migrate"], ["db", "copy"],
        ["batch", "import"], ["batch", "list"], ["batch", "status"], ["batch", "export"],
        ["batch", "from-script"], ["discord", "sync"],
    ],
)  # fmt: skip
def test_every_command_takes_config(runner, command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--config" in result.stdout


def test_demo_uses_the_configured_database(runner, config, tmp_path):
    result = runner.invoke(app, ["demo", "--config", config], input="/quit\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "edges.db").exists() and "edges.db" in result.stdout


def test_db_copy_reads_the_configured_database_by_default(runner, config):
    result = runner.invoke(app, ["db", "copy", "--to", "postgresql://x/y", "--config", config])
    assert result.exit_code == 2 and "edges.db: file: does not exist" in result.stderr


@pytest.mark.parametrize("command", [["batch", "list"], ["batch", "status", "1"], ["tally"]])
def test_reading_a_missing_database_creates_none_and_says_so(runner, config, tmp_path, command):
    result = runner.invoke(app, [*command, "--config", config])
    assert result.exit_code == 1
    assert "there is no database at" in result.stderr and "taskbot db migrate" in result.stderr
    assert not (tmp_path / "edges.db").exists()


def test_an_empty_database_lists_a_hint_not_an_empty_table(runner, config):
    runner.invoke(app, ["db", "migrate", "--config", config])
    result = runner.invoke(app, ["batch", "list", "--config", config])
    assert result.exit_code == 0
    assert "no batches in" in result.stdout and "taskbot batch import --samples" in result.stdout


def test_db_migrate_says_what_it_applied(runner, config):
    first = runner.invoke(app, ["db", "migrate", "--config", config])
    assert first.exit_code == 0 and "applied migrations 0001, 0002" in first.stdout
    again = runner.invoke(app, ["db", "migrate", "--config", config])
    assert "already up to date, nothing applied" in again.stdout


async def answered(config_path: str, writer: str) -> None:
    async with opened_bank(load_config(Path(config_path))) as bank:
        await bank.import_batch(tone_batch(1), filename="b.jsonl")
        claimed = await bank.claim(writer)
        await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, "k")


def test_tally_for_a_name_without_its_platform_suggests_the_id(runner, config):
    asyncio.run(answered(config, "console:wendy"))
    result = runner.invoke(app, ["tally", "--writer", "wendy", "--config", config])
    assert result.exit_code == 2
    assert (
        "no such writer 'wendy'" in result.stderr and "did you mean console:wendy?" in result.stderr
    )
    found = runner.invoke(
        app, ["tally", "--writer", "console:wendy", "--config", config], env={"COLUMNS": "200"}
    )
    assert found.exit_code == 0 and "console:wendy" in found.stdout
    assert "0m00s" in found.stdout  # the chat's duration format, not a second one
