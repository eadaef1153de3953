"""Every problem `taskbot config check` finds in a TOML configuration file names the line its key
is written on (`file:line: key: what was expected`, as batch files' problems do): under headers,
in nested and dotted keys, inline tables, arrays and arrays of tables, past multi-line strings,
comments, quoted keys and a byte-order mark. A missing key or a problem about a whole table
names the table's header; the environment's problems name no line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import app

WHOLE = "expected a whole number (money and counts are whole numbers: cents, not dollars)"
ROLE = "expected '*', 'platform:user_id' or 'platform:role:role_id'"


@pytest.fixture(autouse=True)
def no_database_from_the_environment(monkeypatch):
    monkeypatch.delenv("TASKBOT_DATABASE_URL", raising=False)


@pytest.fixture
def check(runner, tmp_path):
    """Run `taskbot config check` on a file of this text (or bytes); its problems, with the
    file's name written FILE."""

    def checked(text: str | bytes) -> list[str]:
        path = tmp_path / "bad.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        result = runner.invoke(app, ["config", "check", "--config", str(path)])
        assert result.exit_code == 2, result.output
        return [
            line.removeprefix("  - ").replace(str(path), "FILE")
            for line in result.stderr.splitlines()
            if line.startswith("  - ")
        ]

    return checked


def test_a_key_under_a_table_header_names_its_line(check):
    text = "# Taskbot\n\n[chat]\nadapters = ['console']\n\n[schedule]\ntally_chart = true\nenabled = 1\n"
    assert check(text) == ["FILE:8: schedule.enabled: expected true or false"]


def test_every_problem_names_its_own_line_in_the_files_order(check):
    # The model checks [schedule] before [defaults]; the problems are told as the file runs.
    text = "[defaults]\noverlap = 2\nlease_minutes = 30.5\n[schedule]\nenabled = 'yes'\n"
    assert check(text) == [
        f"FILE:3: defaults.lease_minutes: {WHOLE}",
        "FILE:5: schedule.enabled: expected true or false",
    ]


def test_a_key_under_a_nested_header_names_its_line(check):
    text = "[quality]\ngold_rate = 0.1\n\n[quality.pause]\nwindow = 'ten'\nmin_accuracy = 0.5\n"
    assert check(text) == [f"FILE:5: quality.pause.window: {WHOLE}"]


def test_a_missing_key_names_its_tables_header(check):
    text = "[quality]\ngold_rate = 0.1\n\n[quality.pause]\nwindow = 3\n"
    assert check(text) == ["FILE:4: quality.pause.min_accuracy: is required"]


def test_a_dotted_key_names_its_line(check):
    text = (
        "chat.adapters = ['console']\nschedule.enabled = 1\n"
        "[quality]\npause.window = 'x'\npause.min_accuracy = 0.5\n"
    )
    assert check(text) == [
        "FILE:2: schedule.enabled: expected true or false",
        f"FILE:4: quality.pause.window: {WHOLE}",
    ]


def test_a_key_in_an_inline_table_names_the_line_it_is_written_on(check):
    text = "[quality]\ngold_rate = 0.1\npause = { window = 3, min_accuracy = 'high' }\n"
    assert check(text) == ["FILE:3: quality.pause.min_accuracy: expected a number"]
    assert check("\n\nslack = {port = 'x'}\n") == [f"FILE:3: slack.port: {WHOLE}"]


def test_an_inline_table_missing_a_key_names_its_line(check):
    assert check("[quality]\n\npause = {window = 3}\n") == [
        "FILE:3: quality.pause.min_accuracy: is required"
    ]


def test_an_item_of_a_multi_line_array_names_its_own_line(check):
    text = '[roles]\nreviewers = [\n  "*",  # everyone\n  "rita",\n]\ncoordinators = ["x"]\n'
    assert check(text) == [
        f"FILE:4: roles.reviewers #2: {ROLE} (like console:rita)",
        f"FILE:6: roles.coordinators #1: {ROLE} (like console:cora)",
    ]


def test_each_item_of_an_array_of_tables_names_its_header(check):
    text = "[roles]\nreviewers = []\n\n[[roles.writers]]\n\n[[roles.writers]]\nname = 'x'\n"
    assert check(text) == [
        "FILE:4: roles.writers #1: expected text",
        "FILE:6: roles.writers #2: expected text",
    ]


def test_a_key_after_multi_line_strings_names_its_line(check):
    # The strings hold lines that look like headers and keys; they are text, not TOML.
    text = (
        "[console]\n"
        'review_channel = """\n[schedule]\nenabled = "no"\n"""\n'
        "coordinator_channel = '''\nuser = 1\n'''\n"
        'user = """ends with a quote:""""\n'
        "[schedule]\nenabled = 1\n"
    )
    assert check(text) == [  # in the file's order
        "FILE:9: console.user: expected a name of letters, digits, '.', '_' or '-' (at most 40)",
        "FILE:11: schedule.enabled: expected true or false",
    ]


def test_a_multi_line_string_with_escaped_quotes_and_line_ends(check):
    text = '[console]\nreview_channel = """a \\""" b\\\n  c\n"""\nuser = "a b"\n'
    assert check(text) == [
        "FILE:5: console.user: expected a name of letters, digits, '.', '_' or '-' (at most 40)"
    ]


def test_commented_out_headers_and_keys_are_not_counted(check):
    text = (
        "# [defaults]\n# enabled = 1\n[schedule]  # the jobs\n"
        "# enabled = true\nenabled = 1  # enabled = true\n"
    )
    assert check(text) == ["FILE:5: schedule.enabled: expected true or false"]


def test_quoted_keys_name_their_line(check):
    text = "[schedule]\n\"enabled\" = 1\n'tally_chart' = 'yes'\n\"a b\" = 1\n"
    problems = check(text)
    assert problems[:2] == [
        "FILE:2: schedule.enabled: expected true or false",
        "FILE:3: schedule.tally_chart: expected true or false",
    ]
    assert problems[2].startswith("FILE:4: schedule.a b: unknown setting `a b`; expected one of")


def test_a_quoted_key_with_an_escape_is_found_as_tomllib_reads_it(check):
    text = '[locale]\ncurrency = "USD"\n"time\\u005Fzone" = "Mars/Base"\n'
    assert check(text) == [
        "FILE:3: locale.time_zone: unknown time zone 'Mars/Base'; expected an IANA name like"
        " 'Europe/London'"
    ]


def test_a_byte_order_mark_takes_no_line(check):
    text = "\ufeff[schedule]\nenabled = 1\n"
    assert check(text.encode("utf-8")) == ["FILE:2: schedule.enabled: expected true or false"]


def test_windows_line_ends_count_as_one_line_each(check):
    assert check(b"[schedule]\r\n\r\nenabled = 1\r\n") == [
        "FILE:3: schedule.enabled: expected true or false"
    ]


def test_an_unknown_key_names_its_line(check):
    assert check("[schedule]\nenabled = true\n\nenabeld = true\n") == [
        "FILE:4: schedule.enabeld: unknown setting `enabeld` — did you mean `enabled`?"
    ]


def test_an_unknown_table_names_its_header(check):
    assert check("[chat]\nadapters = ['console']\n[sclak]\nport = 1\n") == [
        "FILE:3: sclak: unknown setting `sclak` — did you mean `slack`?"
    ]


def test_a_problem_about_a_whole_table_names_its_header(check):
    assert check("[chat]\nadapters = ['console']\n\n[discord]\nshard_id = 1\n") == [
        "FILE:4: discord: set shard_id and shard_count together, or neither"
    ]


def test_a_problem_about_a_table_of_its_own_names_that_header(check):
    text = "[slack]\nport = 3000\n\n[slack.commands]\ntask = '/t'\ntsak = '/x'\n"
    problems = check(text)
    assert len(problems) == 1 and problems[0].startswith("FILE:4: slack.commands: unknown command")


def test_a_table_given_as_a_value_names_its_line(check):
    assert check("\nschedule = 5\n") == [
        "FILE:2: schedule: expected an object (a table of settings)"
    ]


def test_a_syntax_error_keeps_tomllibs_line_and_column(check):
    assert check("[schedule]\nenabled = \n") == ["FILE: toml: Invalid value (at line 2, column 11)"]


def test_the_environments_problem_names_no_line(runner, tmp_path, monkeypatch):
    path = tmp_path / "taskbot.toml"
    path.write_text("[database]\nsynchronous = 'full'\n")
    monkeypatch.setenv("TASKBOT_DATABASE_URL", "mysql://db")
    result = runner.invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert "  - environment: TASKBOT_DATABASE_URL: unsupported scheme 'mysql'" in result.stderr


def test_the_example_configuration_still_passes(runner):
    example = Path(__file__).parent.parent / "config.example.toml"
    result = runner.invoke(app, ["config", "check", "--config", str(example)])
    assert result.exit_code == 0, result.output


def test_a_slip_of_the_line_scanner_still_names_every_problem(check, monkeypatch):
    # The scanner only places problems; if it ever fails on a file tomllib accepted, the
    # problems are still told, without lines, rather than a traceback.
    import bot.config

    def broken(text):
        raise IndexError("scanner slip")

    monkeypatch.setattr(bot.config, "TomlLines", broken)
    assert check("[schedule]\nenabled = 'yes'\n") == [
        "FILE: schedule.enabled: expected true or false"
    ]


def test_an_entry_of_a_table_takes_the_tables_hint(check):
    # `slack.commands.task` had no hint of its own and read "is not in the expected form".
    assert check("[slack.commands]\ntask = 'task'\n") == [
        "FILE:2: slack.commands.task: expected a slash command like /task"
    ]
