"""A database URL that is empty or holds a control character (TOML's "\\u0000" escape) is
refused at `database.url` with exit 2 by every command, never opened (a NUL made SQLite's open
raise 'embedded null byte' with a traceback)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("a\\u0000b.db", "holds control character U+0000 at character 2"),
        ("pilot\\u001b.db", "holds control character U+001B at character 6"),
        ("postgresql://h/db\\u0007", "holds control character U+0007"),
        ("", "is empty; expected a SQLite file path"),
        ("sqlite:///", "is empty; expected a SQLite file path"),
    ],
)
@pytest.mark.parametrize("command", [["config", "check"], ["db", "migrate"], ["batch", "list"]])
def test_an_unusable_database_url_is_refused_at_its_key(tmp_path, url, says, command):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    result = CliRunner().invoke(app, [*command, "-c", str(config)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "embedded null" not in result.output
    assert f"database.url: {says}" in result.output, result.output


def test_the_environment_url_is_checked_the_same_way(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text("")
    result = CliRunner().invoke(
        app, ["config", "check", "-c", str(config)], env={"TASKBOT_DATABASE_URL": "a\tb.db"}
    )
    assert result.exit_code == 2, result.output
    assert "TASKBOT_DATABASE_URL: holds control character U+0009" in result.output


@pytest.mark.parametrize("database", ["5", "'pilot.db'", "[]"])
def test_a_database_that_is_not_a_table_is_refused_when_the_environment_sets_the_url(
    tmp_path, database
):
    config = tmp_path / "taskbot.toml"
    config.write_text(f"\ndatabase = {database}\n")
    result = CliRunner().invoke(
        app, ["config", "check", "-c", str(config)], env={"TASKBOT_DATABASE_URL": "pilot.db"}
    )
    # Before: a TypeError traceback ('int' object does not support item assignment).
    assert result.exit_code == 2, result.output
    assert f"{config}:2: database: expected an object (a table of settings)" in result.stderr
