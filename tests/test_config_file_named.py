"""Which configuration file is read: --config, else TASKBOT_CONFIG (empty means unset), else
taskbot.toml in the working folder. A file that is named must exist; a mistyped name never
starts Taskbot on the defaults."""

from __future__ import annotations

import pytest

from bot.config import load_config
from taskbank.errors import ValidationFailed


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no taskbot.toml here
    monkeypatch.delenv("TASKBOT_DATABASE_URL", raising=False)
    return tmp_path


def test_an_empty_taskbot_config_means_the_default_file(elsewhere, monkeypatch):
    monkeypatch.setenv("TASKBOT_CONFIG", "")
    # Before: Path("") is the working folder, refused as "not a regular file".
    assert load_config().locale.time_zone == "UTC"  # the defaults: no taskbot.toml here
    (elsewhere / "taskbot.toml").write_text('[locale]\ntime_zone = "Europe/Paris"\n')
    assert load_config().locale.time_zone == "Europe/Paris"


def test_a_taskbot_config_naming_a_missing_file_is_refused_naming_it(elsewhere, monkeypatch):
    monkeypatch.setenv("TASKBOT_CONFIG", str(elsewhere / "taskbto.toml"))
    # Before: the missing file was ignored and Taskbot ran on the defaults.
    with pytest.raises(ValidationFailed) as refused:
        load_config()
    assert "taskbto.toml" in str(refused.value) and "does not exist" in str(refused.value)


def test_a_taskbot_config_naming_a_file_reads_it(elsewhere, monkeypatch):
    named = elsewhere / "prod.toml"
    named.write_text('[locale]\ntime_zone = "Asia/Tokyo"\n')
    monkeypatch.setenv("TASKBOT_CONFIG", str(named))
    assert load_config().locale.time_zone == "Asia/Tokyo"


def test_no_file_at_all_gives_the_defaults(elsewhere, monkeypatch):
    monkeypatch.delenv("TASKBOT_CONFIG", raising=False)
    assert load_config().locale.time_zone == "UTC"
