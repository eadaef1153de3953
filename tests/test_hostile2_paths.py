"""Folders where the `taskbot` command expects a file: one located line and exit 2, no traceback."""

from __future__ import annotations

import pytest

from bot.cli import app
from tests.batches import tone_batch


def test_a_folder_given_as_a_batch_file_is_refused_by_name(runner, config, tmp_path):
    folder = tmp_path / "tasks.jsonl"
    folder.mkdir()
    result = runner.invoke(app, ["batch", "import", str(folder), "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert "tasks.jsonl: file: is not a regular file" in result.stderr
    assert "give a batch file" in result.stderr


def import_csv_with_settings(runner, config, tmp_path, settings):
    """`taskbot batch import` of a small CSV with `--settings` naming `settings`."""
    csv = tmp_path / "tasks.csv"
    csv.write_text("id,excerpt\na,Hello.\n")
    return runner.invoke(
        app,
        ["batch", "import", str(csv), "--settings", str(settings), "--config", str(config)],
    )


def test_a_folder_given_as_settings_is_refused_as_a_settings_file(runner, config, tmp_path):
    folder = tmp_path / "settings.json"
    folder.mkdir()
    result = import_csv_with_settings(runner, config, tmp_path, folder)
    assert result.exit_code == 2, result.output
    assert "settings.json: file: is not a regular file" in result.stderr
    assert "give a JSON settings file" in result.stderr


def test_a_missing_settings_file_is_not_called_a_batch_file(runner, config, tmp_path):
    result = import_csv_with_settings(runner, config, tmp_path, tmp_path / "nope.json")
    assert result.exit_code == 2, result.output
    assert "does not exist; expected a JSON settings file" in result.stderr


def test_a_folder_given_as_the_configuration_is_refused_by_name(runner, tmp_path):
    result = runner.invoke(app, ["config", "check", "--config", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "is not a regular file" in result.stderr
    assert "give a configuration file" in result.stderr


@pytest.mark.parametrize("suffix", [".fountain", ".fdx", ".pdf"])
def test_a_folder_given_as_a_script_is_refused_by_name(runner, config, tmp_path, suffix):
    folder = tmp_path / f"pilot{suffix}"
    folder.mkdir()
    result = runner.invoke(
        app,
        [
            "batch", "from-script", str(folder), "--unit", "scene", "--pay-cents", "10",
            "--template", "dialogue_tone", "--config", str(config),
        ],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"pilot{suffix}: file: is not a regular file" in result.stderr


def test_a_good_file_beside_the_folder_checks_still_imports(runner, config, tmp_path):
    path = tmp_path / "tone.jsonl"
    path.write_bytes(tone_batch(2))
    result = runner.invoke(app, ["batch", "import", str(path), "--config", str(config)])
    assert result.exit_code == 0, result.output
