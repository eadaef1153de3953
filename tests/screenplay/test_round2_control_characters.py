"""A control character, direction override or lone surrogate in a Fountain or Final Draft script is
refused at the file's line and column, where the writer can find it, and nothing is imported."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from taskbank.errors import ValidationFailed
from taskbank.screenplay import plan_script_batch

SETTINGS = {"project": "Controls", "name": "c", "template": "dialogue_tone", "pay_cents": 40}
FOUNTAIN = "INT. HOUSE - DAY\n\nMARA\nHello, {0}there.\n\nJONAH\nGood{1}bye.\n"
FDX = """<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. HOUSE - DAY</Text></Paragraph>
<Paragraph Type="Character"><Text>MARA</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Hello, {0}there.</Text></Paragraph>
<Paragraph Type="Character"><Text>JONAH</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Good &amp; {1}bye.</Text></Paragraph>
</Content></FinalDraft>
"""


def refused(name: str, text: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        plan_script_batch([(name, text.encode())], SETTINGS, "scene")
    return caught.value


@pytest.mark.parametrize(
    ("char", "says"),
    [
        ("\x1b", "control character U+001B at column 8"),
        ("\u202e", "direction control U+202E at column 8"),
        ("\x07", "control character U+0007 at column 8"),
        ("\x7f", "control character U+007F at column 8"),
        ("\x9b", "control character U+009B at column 8"),
    ],
)
def test_a_control_character_in_fountain_is_refused_at_its_line_and_column(char, says):
    (problem,) = refused("s.fountain", FOUNTAIN.format(char, "")).problems
    assert problem.location == "s.fountain:4"
    assert problem.field == "text" and says in problem.message


def test_every_control_character_in_fountain_is_listed_in_line_order():
    text = FOUNTAIN.format("\x1b[31m", "\u202e")
    problems = refused("s.fountain", text).problems
    assert [(p.location, p.message.split(";")[0]) for p in problems] == [
        ("s.fountain:4", "holds control character U+001B at column 8"),
        ("s.fountain:7", "holds the direction control U+202E at column 5"),
    ]


def test_windows_and_old_mac_line_ends_count_as_the_lines_an_editor_shows():
    text = FOUNTAIN.format("", "\x1b").replace("\n", "\r\n")
    (problem,) = refused("s.fountain", text).problems
    assert problem.location == "s.fountain:7" and "column 5" in problem.message
    (problem,) = refused("s.fountain", text.replace("\r\n", "\r")).problems
    assert problem.location == "s.fountain:7" and "column 5" in problem.message


@pytest.mark.parametrize("kept", ["\t", "\x85", "\x0c", "\u2028"])
def test_tabs_line_breaks_and_form_feeds_are_still_imported(kept):
    plan = plan_script_batch(
        [("s.fountain", FOUNTAIN.format(kept, "").encode())], SETTINGS, "scene"
    )
    assert len(plan.parsed.tasks) == 1
    assert "Hello, there." in plan.parsed.tasks[0].payload["excerpt"]


def test_more_than_a_hundred_are_cut_short_saying_how_many_lines_were_left_out():
    text = "INT. HOUSE - DAY\n\n" + "MARA\nSay \x1b\x1b it.\n\n" * 60
    problems = refused("s.fountain", text).problems
    assert len(problems) == 101
    assert problems[99].location == "s.fountain:151"  # the second ESC of the 50th speech
    assert "at column 6" in problems[99].message
    assert problems[-1].location == "s.fountain"
    assert "10 more line(s)" in problems[-1].message


@pytest.mark.parametrize(
    ("char", "says"),
    [
        ("\u202e", "direction control U+202E at column 41"),
        ("&#x202E;", "direction control U+202E at column 41"),
        ("\x90", "control character U+0090 at column 41"),
        ("&#x9b;", "control character U+009B at column 41"),
    ],
)
def test_a_control_character_in_fdx_is_refused_at_its_line_and_column(char, says):
    (problem,) = refused("s.fdx", FDX.format(char, "")).problems
    assert problem.location == "s.fdx:4"
    assert problem.field == "text" and says in problem.message


def test_every_control_character_in_fdx_is_listed_with_its_own_line():
    problems = refused("s.fdx", FDX.format("\u202e", "\u202e")).problems
    assert [(p.location, p.message.split(";")[0]) for p in problems] == [
        ("s.fdx:4", "holds the direction control U+202E at column 41"),
        ("s.fdx:6", "holds the direction control U+202E at column 45"),
    ]


def test_a_control_character_on_a_later_line_of_an_fdx_paragraph_is_found_on_that_line():
    text = FDX.format("\nand then \u202e", "")
    (problem,) = refused("s.fdx", text).problems
    assert problem.location == "s.fdx:5" and "column 10" in problem.message


def test_an_escape_character_in_fdx_is_still_refused_by_the_xml_reader_at_its_line():
    (problem,) = refused("s.fdx", FDX.format("", "\x1b")).problems
    assert problem.location == "s.fdx:6" and "not well-formed" in problem.message


def test_the_cli_exits_2_naming_the_line_and_stores_nothing(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    script = tmp_path / "s.fountain"
    script.write_bytes(FOUNTAIN.format("\x1b[31m", "").encode())
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(script),
            "--unit",
            "scene",
            "--template",
            "dialogue_tone",
            "--pay-cents",
            "40",
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "s.fountain:4: text: holds control character U+001B at column 8" in result.stderr
    listed = runner.invoke(app, ["batch", "list", "--config", str(config)]).output
    assert "s-scenes" not in listed
