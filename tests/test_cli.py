"""The `taskbot` command, through typer's runner: output and exit codes."""

from __future__ import annotations

import json
import os

import pytest

from bot.cli import app
from tests.batches import header, jsonl, tone_batch, tone_task


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "taskbot.toml"
    path.write_text(
        f'[database]\nurl = "{tmp_path / "cli.db"}"\n[locale]\ntime_zone = "Europe/London"\n'
    )
    return path


def test_importing_the_sample_bank_then_listing_it(runner, config):
    result = runner.invoke(app, ["batch", "import", "--samples", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "imported 11 sample batch(es)" in result.output
    listed = runner.invoke(app, ["batch", "list", "--config", str(config)], env={"COLUMNS": "160"})
    assert listed.exit_code == 0 and "rank_endings" in listed.output


def test_a_good_file_imports_and_says_how_many_tasks(runner, config, tmp_path):
    path = tmp_path / "tone.jsonl"
    path.write_bytes(tone_batch(3))
    result = runner.invoke(app, ["batch", "import", str(path), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "3 tasks" in result.output


def test_a_bad_file_exits_2_naming_line_and_field_and_imports_nothing(runner, config, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(jsonl(header(), [tone_task(1), {"id": "x", "payload": {}}]))
    result = runner.invoke(app, ["batch", "import", str(path), "--config", str(config)])
    assert result.exit_code == 2
    assert "bad.jsonl:3: payload.excerpt" in result.stderr
    listed = runner.invoke(app, ["batch", "list", "--config", str(config)])
    assert "tone-1" not in listed.output


def test_a_csv_file_takes_its_settings_from_a_json_file(runner, config, tmp_path):
    csv_path = tmp_path / "tone.csv"
    csv_path.write_text("id,excerpt\na,Hello there.\nb,Goodbye.\n")
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps(header(name="from-csv")))
    result = runner.invoke(
        app,
        ["batch", "import", str(csv_path), "--settings", str(settings), "--config", str(config)],
    )
    assert result.exit_code == 0, result.output
    assert "'from-csv': 2 tasks" in result.output


def test_import_without_files_or_a_missing_file_is_a_usage_error(runner, config, tmp_path):
    assert runner.invoke(app, ["batch", "import", "--config", str(config)]).exit_code == 2
    missing = runner.invoke(
        app, ["batch", "import", str(tmp_path / "nope.jsonl"), "--config", str(config)]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_tally_prints_the_period_in_the_configured_zone(runner, config):
    assert runner.invoke(app, ["db", "migrate", "--config", str(config)]).exit_code == 0
    result = runner.invoke(app, ["tally", "--period", "month", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "Europe/London" in result.output
    assert runner.invoke(app, ["tally", "--period", "year", "--config", str(config)]).exit_code == 2


def test_db_migrate_creates_the_database(runner, config, tmp_path):
    result = runner.invoke(app, ["db", "migrate", "--config", str(config)])
    assert result.exit_code == 0 and (tmp_path / "cli.db").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[locale]\ntime_zone = "Mars/Olympus"\n',
            "locale.time_zone: unknown time zone 'Mars/Olympus'",
        ),
        ("[defaults]\noverlap = 0\n", "defaults.overlap"),
        ("[database]\nurl = 'x'\nsurprise = 1\n", "database.surprise"),
        ("[locale\n", "Expected ']'"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply to read"),
        (
            "[chat]\nshutdown_grace_seconds = nan\n",
            "chat.shutdown_grace_seconds: expected a finite number",
        ),
        ("# " + "x" * 1_000_001 + "\n", "is 1,000,004 bytes; at most 1,000,000 are accepted"),
    ],
)
def test_a_bad_configuration_is_refused_naming_the_key(runner, tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = runner.invoke(app, ["db", "migrate", "--config", str(path)])
    assert result.exit_code == 2
    assert expected in " ".join(result.stderr.split())


def test_a_configuration_with_a_byte_order_mark_is_read(runner, tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'[database]\nurl = "{tmp_path / "b.db"}"\n'.encode())
    result = runner.invoke(app, ["db", "migrate", "--config", str(path)])
    assert result.exit_code == 0, result.stderr


def test_a_configuration_that_is_no_regular_file_is_refused(runner):
    result = runner.invoke(app, ["db", "migrate", "--config", "/dev/zero"])
    assert result.exit_code == 2
    assert "/dev/zero: file: is not a regular file" in " ".join(result.stderr.split())


def answered_batch(runner, config, tmp_path):
    """A batch with one approved answer, made through the console demo's own store."""
    import asyncio

    from bot.bootstrap import opened_bank
    from bot.config import load_config
    from taskbank.models import Verdict
    from tests.batches import TONE_ANSWER

    async def work():
        async with opened_bank(load_config(config)) as bank:
            batch = await bank.import_batch(tone_batch(2), filename="b.jsonl")
            claimed = await bank.claim("w1")
            result = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k")
            await bank.record_review(result.submission.id, "rev", Verdict.APPROVED)
            return batch.id

    return asyncio.run(work())


def test_batch_status_shows_progress(runner, config, tmp_path):
    batch_id = answered_batch(runner, config, tmp_path)
    result = runner.invoke(app, ["batch", "status", str(batch_id), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "1 of 2 answers (50%)" in result.output
    missing = runner.invoke(app, ["batch", "status", "99", "--config", str(config)])
    assert missing.exit_code == 2 and "no batch 99" in missing.stderr


def test_batch_export_writes_the_file_with_provenance(runner, config, tmp_path):
    batch_id = answered_batch(runner, config, tmp_path)
    target = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        [
            "batch",
            "export",
            str(batch_id),
            "--format",
            "csv",
            "-o",
            str(target),
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "exported 1 answers" in result.output
    assert "task_external_id" in target.read_text() and "approved" in target.read_text()
    bad = runner.invoke(
        app, ["batch", "export", str(batch_id), "--format", "xml", "--config", str(config)]
    )
    assert bad.exit_code == 2


def test_config_check_accepts_a_good_file_and_names_a_bad_key(runner, config, tmp_path):
    good = runner.invoke(app, ["config", "check", "--config", str(config)])
    assert good.exit_code == 0 and "configuration is valid" in good.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[roles]\nreviewers = ["rita"]\n')
    result = runner.invoke(app, ["config", "check", "--config", str(bad)])
    assert result.exit_code == 2 and "roles.reviewers #1: expected '*'" in result.stderr
    missing = runner.invoke(app, ["config", "check", "--config", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_run_serves_the_console_when_no_chat_is_configured(runner, config):
    result = runner.invoke(app, ["run", "--config", str(config)], input="/task\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "Nothing to claim" in result.output


def test_no_arguments_prints_help(runner):
    result = runner.invoke(app, [])
    assert "demo" in result.output and "batch" in result.output


def test_config_example_documents_every_key_and_holds_the_defaults():
    import re
    import tomllib
    from pathlib import Path

    from bot.config import Config

    path = Path(__file__).parents[1] / "config.example.toml"
    text = path.read_text()
    loaded = Config.model_validate(tomllib.loads(text))
    assert loaded.model_dump(exclude={"database"}) == Config().model_dump(exclude={"database"})
    for section, info in Config.model_fields.items():
        assert f"[{section}]" in text, section
        for key in info.annotation.model_fields:  # type: ignore[union-attr]
            if key == "commands":
                assert f"[{section}.commands]" in text
                continue
            assert re.search(rf"^#?\s*{key}\s*=", text, re.MULTILINE), f"{section}.{key}"


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_device_or_a_pipe_is_refused_not_read(runner, config, tmp_path, special):
    # /dev/zero has no size to check and reads forever; a named pipe waits for a writer.
    if special == "fifo":
        special = str(tmp_path / "pipe.jsonl")
        os.mkfifo(special)
    imported = runner.invoke(app, ["batch", "import", special, "--config", str(config)])
    assert imported.exit_code == 2
    assert "is not a regular file" in imported.stderr
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("id,excerpt\na,Hello.\n")
    settings = ["--settings", special]
    with_settings = runner.invoke(
        app, ["batch", "import", str(csv_path), *settings, "--config", str(config)]
    )
    assert with_settings.exit_code == 2
    assert "is not a regular file" in with_settings.stderr


def test_several_files_are_all_checked_before_any_is_imported(runner, config, tmp_path):
    # a is good, b has a bad line, c names a's batch again: every problem is told at once and
    # nothing is imported (a had been stored, and c never checked, when b failed).
    (tmp_path / "a.jsonl").write_bytes(tone_batch(2, name="a"))
    (tmp_path / "b.jsonl").write_bytes(jsonl(header(name="b"), [tone_task(1), {"id": 1.5}]))
    (tmp_path / "c.jsonl").write_bytes(jsonl(header(name="a"), [tone_task(1)]))
    files = [str(tmp_path / f"{n}.jsonl") for n in "abc"]
    result = runner.invoke(app, ["batch", "import", *files, "--config", str(config)])
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "3 files checked: nothing was imported" in said
    assert "b.jsonl:3: id:" in said and "names batch 'a'" in said
    listed = runner.invoke(app, ["batch", "list", "--config", str(config)])
    assert "no batches" in listed.output
    again = runner.invoke(app, ["batch", "import", *files[:1], "--config", str(config)])
    assert again.exit_code == 0
    existing = runner.invoke(app, ["batch", "import", files[0], files[1], "--config", str(config)])
    assert "batch 'a' already exists" in " ".join(existing.stderr.split())


def test_a_bad_database_url_in_the_environment_is_named_as_such(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("TASKBOT_DATABASE_URL", "postgresql://u@h:notaport/db")
    config = tmp_path / "taskbot.toml"
    config.write_text("")
    result = runner.invoke(app, ["config", "check", "--config", str(config)])
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "environment: TASKBOT_DATABASE_URL: port 'notaport' is not a port number" in said


def test_batch_status_dates_the_deadline_in_the_configured_zone(runner, config, tmp_path):
    # a deadline in London's summer time (BST, +01:00); the config's zone is Europe/London
    path = tmp_path / "due.jsonl"
    path.write_bytes(tone_batch(1, deadline="2090-07-01T16:00:00Z"))
    assert (
        runner.invoke(app, ["batch", "import", str(path), "--config", str(config)]).exit_code == 0
    )
    result = runner.invoke(app, ["batch", "status", "1", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "Sat 01 Jul 17:00 BST" in result.output and "\ue000" not in result.output
