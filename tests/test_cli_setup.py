"""Setting up: `taskbot config check` runs the checks `taskbot run` makes, and failures of what
Taskbot runs on (the database, the file system) print one line and exit 1."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema

SLACK_SECRETS = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_config(tmp_path, body: str, database: str | None = None) -> str:
    path = tmp_path / "taskbot.toml"
    url = database or str(tmp_path / "setup.db")
    path.write_text(f'[database]\nurl = "{url}"\n{body}')
    return str(path)


BROKEN = '[chat]\nadapters = ["slack", "discrod"]\n'


@pytest.mark.parametrize("command", [["config", "check"], ["run"]])
def test_check_and_run_refuse_the_same_config_listing_every_problem(
    runner, tmp_path, monkeypatch, command
):
    for name in SLACK_SECRETS:
        monkeypatch.delenv(name, raising=False)
    config = write_config(tmp_path, BROKEN)
    result = runner.invoke(app, [*command, "--config", config])
    assert result.exit_code == 2
    for expected in (
        "slack.review_channel: is not set",
        "slack.coordinator_channel: is not set",
        "SLACK_BOT_TOKEN: is not set",
        "SLACK_SIGNING_SECRET: is not set",
        "no adapter 'discrod' is installed — did you mean 'discord'?",
    ):
        assert expected in result.stderr
    assert "5 problems" in result.stderr


def test_run_refusing_a_config_opens_no_database(runner, tmp_path):
    config = write_config(tmp_path, BROKEN)
    runner.invoke(app, ["run", "--config", config])
    assert not (tmp_path / "setup.db").exists()


def test_check_passes_a_config_run_would_serve(runner, tmp_path, monkeypatch):
    for name, value in SLACK_SECRETS.items():
        monkeypatch.setenv(name, value)
    config = write_config(
        tmp_path,
        '[chat]\nadapters = ["slack"]\n[slack]\nreview_channel = "C01"\ncoordinator_channel = "C02"\n',
    )
    result = runner.invoke(app, ["config", "check", "--config", config])
    assert result.exit_code == 0, result.output
    assert "configuration is valid" in result.stdout and "chats: slack" in result.stdout


def test_socket_mode_also_needs_the_app_token(runner, tmp_path, monkeypatch):
    for name, value in SLACK_SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    config = write_config(
        tmp_path,
        '[chat]\nadapters = ["slack"]\n[slack]\nmode = "socket"\n'
        'review_channel = "C01"\ncoordinator_channel = "C02"\n',
    )
    result = runner.invoke(app, ["config", "check", "--config", config])
    assert result.exit_code == 2 and "SLACK_APP_TOKEN: is not set" in result.stderr


def test_discord_without_its_token_or_channels_is_refused_by_check(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    config = write_config(tmp_path, '[chat]\nadapters = ["discord"]\n')
    result = runner.invoke(app, ["config", "check", "--config", config])
    assert result.exit_code == 2
    assert "DISCORD_TOKEN: is not set" in result.stderr
    assert "discord.review_channel: is not set" in result.stderr


# -- infrastructure failures: one line, exit 1 ---------------------------------------------------


def test_a_refused_postgres_connection_is_one_line_and_exit_1(runner, tmp_path):
    config = write_config(tmp_path, "", database="postgresql://127.0.0.1:1/test")
    result = runner.invoke(app, ["batch", "list", "--config", config])
    assert result.exit_code == 1
    assert "no PostgreSQL server answers at 127.0.0.1:1 (connection refused)" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_a_password_in_the_url_is_never_printed(runner, tmp_path):
    config = write_config(tmp_path, "", database="postgresql://cora:hunter2@127.0.0.1:1/test")
    result = runner.invoke(app, ["db", "migrate", "--config", config])
    assert result.exit_code == 1 and "hunter2" not in result.output


def test_a_database_path_under_a_file_is_one_line_and_exit_1(runner, tmp_path):
    (tmp_path / "plain-file").write_text("not a folder")
    config = write_config(tmp_path, "", database=str(tmp_path / "plain-file" / "taskbot.db"))
    result = runner.invoke(app, ["db", "migrate", "--config", config])
    assert result.exit_code == 1
    assert "cannot open the SQLite database" in result.stderr
    assert "folder exists and is writable" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def server_answers() -> None:
    """Skip (saying how to start it) unless the test PostgreSQL server answers."""
    asyncio.run(drop_schema(asyncio.run(postgres_schema())))


def test_a_missing_postgres_schema_is_named_with_what_to_do(runner, tmp_path):
    server_answers()
    config = write_config(tmp_path, "", database=f"{POSTGRES_URL}?search_path=no_such_schema_x")
    result = runner.invoke(app, ["db", "migrate", "--config", config])
    assert result.exit_code == 1
    assert "refused: no schema has been selected to create in" in result.stderr
    assert "CREATE SCHEMA" in result.stderr and "Traceback" not in result.output


def test_a_missing_postgres_database_is_named_with_what_to_do(runner, tmp_path):
    server_answers()
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/no_such_database_x"
    result = runner.invoke(app, ["batch", "list", "--config", write_config(tmp_path, "", url)])
    assert result.exit_code == 1
    assert 'database "no_such_database_x" does not exist' in result.stderr
    assert "createdb" in result.stderr


def test_debug_shows_the_traceback(runner, tmp_path):
    config = write_config(tmp_path, "", database="postgresql://127.0.0.1:1/test")
    result = runner.invoke(app, ["--debug", "db", "migrate", "--config", config])
    assert result.exit_code == 1
    assert "ConnectionRefusedError" in result.stderr and "connection refused" in result.stderr


def test_the_installed_command_prints_one_line_for_a_refused_database(tmp_path):
    config = write_config(tmp_path, "", database="postgresql://127.0.0.1:1/test")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "batch", "list", "--config", config],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "connection refused" in done.stderr


def test_version_prints_the_installed_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("taskbot 0.")


def test_flags_show_no_bool_metavar(runner):
    result = runner.invoke(app, ["batch", "import", "--help"], env={"COLUMNS": "120"})
    assert "--samples" in result.stdout and "<bool>" not in result.stdout
