"""Values from files and people are printed literally on the terminal: rich markup (`[bold]…`,
`[/x]`) and emoji codes (`:x:`) in them are neither run nor dropped, by the `taskbot` command and by
the console chat."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bot.bootstrap import opened_bank
from bot.cli import app
from bot.config import load_config
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch, tone_task

NAME = "tone [/x] pass"
PROJECT = "[bold red]Loud[/bold red] :x: project"
WRITER = "[red]w[/red]"


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def imported(runner, config, tmp_path):
    """A batch whose name and project hold markup, imported with `taskbot batch import`; its id."""
    path = tmp_path / "tone.jsonl"
    path.write_bytes(tone_batch(2, name=NAME, project=PROJECT))
    result = runner.invoke(app, ["batch", "import", str(path), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert f"imported batch 1 '{NAME}': 2 tasks" in result.output
    return 1


def answered_by_a_writer_with_markup(config) -> None:
    async def work():
        async with opened_bank(load_config(config)) as bank:
            claimed = await bank.claim(WRITER)
            await bank.submit(claimed.assignment.id, WRITER, TONE_ANSWER, "k")

    asyncio.run(work())


def test_batch_list_prints_a_name_with_markup_literally(runner, config, imported):
    result = runner.invoke(app, ["batch", "list", "--config", str(config)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert NAME in result.output


def test_batch_status_prints_the_name_in_its_title_literally(runner, config, imported):
    result = runner.invoke(app, ["batch", "status", str(imported), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert f"Batch 1: {NAME} (open)" in one_line(result.output)


def test_tally_prints_a_writer_id_with_markup_literally(runner, config, imported):
    answered_by_a_writer_with_markup(config)
    result = runner.invoke(app, ["tally", "--config", str(config)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert WRITER in result.output


def test_export_says_where_it_wrote_literally(runner, config, imported, tmp_path):
    target = tmp_path / "[bold]out :x:.csv"
    result = runner.invoke(
        app,
        ["batch", "export", "1", "--format", "csv", "-o", str(target), "--config", str(config)],
    )
    assert result.exit_code == 0, result.output
    assert f"to {target}" in result.output and target.exists()


def test_errors_quote_the_input_literally(runner, config, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        jsonl(header(), [tone_task(1, gold={**TONE_ANSWER, "tone": "[bold red]calm[/bold red]"})])
    )
    result = runner.invoke(app, ["batch", "import", str(bad), "--config", str(config)])
    assert result.exit_code == 2
    assert "[bold red]calm[/bold red]" in result.stderr
    period = runner.invoke(app, ["tally", "--period", "[/x]", "--config", str(config)])
    assert period.exit_code == 2 and "not '[/x]'" in period.stderr


def test_a_file_name_with_markup_is_printed_literally_when_missing(runner, config, tmp_path):
    result = runner.invoke(
        app, ["batch", "import", str(tmp_path / "[/x] :x:.jsonl"), "--config", str(config)]
    )
    assert result.exit_code == 2
    assert "[/x] :x:.jsonl" in result.stderr and "does not exist" in result.stderr


def test_import_status_and_export_progress_on_a_terminal_print_the_name_literally(tmp_path):
    """A real `taskbot` process that believes it writes to a terminal: the spinner and the
    progress bar are drawn, with the batch's name in them."""
    batch_file = tmp_path / "[bold] tone.jsonl"
    batch_file.write_bytes(tone_batch(2, name=NAME))
    (tmp_path / "taskbot.toml").write_text(f'[database]\nurl = "{tmp_path / "t.db"}"\n')
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200"}
    config = ["--config", str(tmp_path / "taskbot.toml")]

    def taskbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args, *config],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    imported = taskbot("batch", "import", str(batch_file))
    assert imported.returncode == 0, imported.stderr
    assert "importing [bold] tone.jsonl…" in imported.stderr
    exported = taskbot("batch", "export", "1", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    assert f"exporting {NAME}" in exported.stderr
    assert "tone [-x] pass.csv" in exported.stdout


def test_the_console_shows_names_and_text_with_markup_literally(tmp_path):
    """`taskbot demo` reading a script: a person named with markup, a batch and a task holding it."""
    excerpt = "MARA: [bold red]Run[/bold red] :x:\nJONAH: [/x]"
    batch = tmp_path / "marked.jsonl"
    batch.write_bytes(
        jsonl(
            header(name=NAME, project=PROJECT),
            [{"id": "[i]t-1[/i]", "payload": {"excerpt": excerpt}}],
        )
    )
    script = "\n".join(
        [
            "/as cora",
            f"/batch import {batch}",
            "/batch list",
            "/as [/x]eve",
            "/task 16",
            "1",
            "/task 16",
            "/help",
            "/quit",
        ]
    )
    result = CliRunner().invoke(
        app, ["demo", "--db", str(tmp_path / "demo.db")], input=script + "\n"
    )
    assert result.exit_code == 0, result.output
    assert f"Imported batch 16: {NAME}" in result.output
    assert "cora> /as [/x]eve" in result.output
    assert "You are [/x]eve" in result.output
    assert "only you (console:[/x]eve)" in result.output
    assert "MARA: [bold red]Run[/bold red] :x:" in result.output
    assert "JONAH: [/x]" in result.output
    assert "What you can type" in result.output  # /help still answers
