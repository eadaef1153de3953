"""Round 3: a malformed database URL (unclosed IPv6 brackets, a port that is no number or out of
range, an empty host in a host list, an unsupported scheme) is one line naming the bad part,
exit 2, wherever a URL is read: `taskbot db copy --to`, the config file, `config check`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.batches import tone_batch
from tests.conftest import POSTGRES_URL

BAD_URLS = [
    ("postgresql://[::1", "IPv6"),
    ("postgresql://[::1/db", "IPv6"),
    ("postgresql://u@h:notaport/db", "port 'notaport'"),
    ("postgresql://127.0.0.1:99999/x", "port '99999'"),
    ("postgresql://127.0.0.1:0/x", "port '0'"),
    ("postgresql://a:5432,b:x/db", "port 'x'"),
    ("postgresql://a,/db", "empty host"),
    ("postgres://h/db?port=abc", "port 'abc'"),
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def pilot(tmp_path, runner):
    """A configuration whose SQLite pilot holds one batch."""
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "pilot.db"}"\n')
    batch = tmp_path / "tone.jsonl"
    batch.write_bytes(tone_batch(1))
    assert runner.invoke(app, ["batch", "import", str(batch), "-c", str(config)]).exit_code == 0
    return config


def one_line_refusal(result, naming: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert "Traceback" not in result.output and len(lines) <= 2, result.output
    assert naming in result.output, result.output


@pytest.mark.parametrize(("url", "naming"), BAD_URLS)
def test_db_copy_to_a_malformed_url_is_refused_naming_the_part(runner, pilot, url, naming):
    result = runner.invoke(app, ["db", "copy", "--to", url, "-c", str(pilot)])
    one_line_refusal(result, naming)
    assert "--to" in result.output


@pytest.mark.parametrize(("url", "naming"), BAD_URLS)
@pytest.mark.parametrize("command", [["config", "check"], ["batch", "list"], ["db", "migrate"]])
def test_a_malformed_configured_url_is_refused_by_every_command(
    runner, tmp_path, url, naming, command
):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    result = runner.invoke(app, [*command, "-c", str(config)])
    assert "configuration is valid" not in result.output
    assert "database.url" in result.output
    assert result.exit_code == 2 and naming in result.output, result.output
    assert "Traceback" not in result.output


def test_an_unsupported_scheme_in_the_config_is_refused(runner, tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text('[database]\nurl = "mysql://u@h/db"\n')
    result = runner.invoke(app, ["config", "check", "-c", str(config)])
    assert result.exit_code == 2 and "mysql" in result.output, result.output


@pytest.mark.parametrize(
    "url",
    [
        POSTGRES_URL,
        "postgresql://u:p@[::1]:5432/db",
        "postgresql://a:5432,b:5433/db",
        "postgresql:///db?host=/var/run/postgresql",
        "postgresql://h:/db",
        "sqlite:///tmp/x.db",
        "relative/x.db",
    ],
)
def test_well_formed_urls_still_pass_config_check(runner, tmp_path, url):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{url}"\n')
    result = runner.invoke(app, ["config", "check", "-c", str(config)])
    assert result.exit_code == 0 and "configuration is valid" in result.output, result.output
