"""A script import's batch settings get the same checks as a batch file's, and a bad one stores
nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from taskbank.errors import ValidationFailed
from tests.inspect_db import query
from tests.screenplay.scripts import sample

GOOD = {"project": "Checks", "name": "c", "template": "dialogue_tone", "pay_cents": 40}
UNSTORABLE = {
    **GOOD,
    "project": {"name": "Checks", "terms": "I agree \x1b[31mred"},
    "name": "night\u202eshift",
    "priority": 9223372036854775808,
}


async def test_unstorable_settings_are_refused_each_located_and_nothing_is_stored(bank):
    with pytest.raises(ValidationFailed) as caught:
        await bank.import_script(
            [sample("night_shift", "fountain")], settings=UNSTORABLE, unit="scene"
        )
    fields = {(problem.location, problem.field) for problem in caught.value.problems}
    assert fields == {
        ("settings", "batch.project.terms"),
        ("settings", "batch.name"),
        ("settings", "batch.priority"),
    }
    assert "U+202E" in str(caught.value) and "U+001B" in str(caught.value)
    assert await query(bank.store, "SELECT COUNT(*) FROM batches") == [(0,)]
    assert await query(bank.store, "SELECT COUNT(*) FROM projects") == [(0,)]


def test_the_cli_refuses_a_priority_too_big_to_store_in_one_line_exit_2(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({**GOOD, "priority": 9223372036854775808}))
    filename, data = sample("night_shift", "fountain")
    script = tmp_path / filename
    script.write_bytes(data)
    result = CliRunner().invoke(
        app,
        [
            *("batch", "from-script", str(script), "--unit", "scene"),
            *("--settings", str(settings), "--config", str(config)),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "OverflowError" not in result.output
    assert "settings: batch.priority: a whole number beyond" in result.output
