"""Fuzzing finding on the configured time zone: a name that is a folder of the zone database
('America') or too long for a file name is a bad value in the file (exit 2, naming the key), not
a failure of the system Taskbot runs on (exit 1); so is a file of the zone folder that is no zone
name (right/…, posix/…, posixrules, localtime)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app


def checked_with_zone(runner: CliRunner, tmp_path, zone: str) -> Result:
    """`taskbot config check` on a configuration naming this zone."""
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[locale]\ntime_zone = "{zone}"\n', encoding="utf-8")
    return runner.invoke(app, ["config", "check", "--config", str(config)])


# right/ and posix/ are copies the zone folder holds beside the zones (right/: leap-second time,
# which zoneinfo reads as BST in a London December); posixrules and localtime are whatever zone
# the host was set to. None is a zone name, so none may stand for the configured zone.
@pytest.mark.parametrize(
    "zone",
    [
        "America",
        "Europe",
        "A" * 300,
        "Mars/Olympus",
        "UTC\\u0000",
        "",
        "../../etc/passwd",
        "/etc/passwd",
        "right/Europe/London",
        "posix/Asia/Kolkata",
        "posixrules",
        "localtime",
    ],
)
def test_a_time_zone_that_is_no_zone_is_refused_naming_the_key(runner, tmp_path, zone):
    # given a configuration naming a zone the zone database does not hold as a zone, when checked
    result = checked_with_zone(runner, tmp_path, zone)
    # then it is refused as bad input, naming the key and what was expected, with no traceback
    assert result.exit_code == 2, result.output
    assert "locale.time_zone: unknown time zone" in result.output
    assert "expected an IANA name" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "zone",
    [
        "UTC",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Australia/Eucla",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
    ],
)
def test_a_zone_of_the_database_is_accepted_whatever_its_offset(runner, tmp_path, zone):
    result = checked_with_zone(runner, tmp_path, zone)
    assert "locale.time_zone" not in result.output, result.output
