"""`taskbot batch from-script`, through typer's runner: dry run, import, refusals, literal text."""

from __future__ import annotations

import json

import pytest

from bot.cli import app
from taskbank.sample_scripts import script_file


def sample_path(tmp_path, filename):
    path = tmp_path / filename
    path.write_bytes(script_file(filename).read_bytes())
    return path


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def listed(runner, config) -> str:
    return runner.invoke(app, ["batch", "list", "--config", str(config)]).output


def test_a_dry_run_shows_units_pay_skips_and_first_tasks_and_stores_nothing(
    runner, config, tmp_path
):
    script = sample_path(tmp_path, "night_shift.fountain")
    result = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(script),
            "--template",
            "dialogue_tone",
            "--unit",
            "scene",
            "--pay-cents",
            "40",
            "--overlap",
            "2",
            "--dry-run",
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "dry run: nothing was stored" in out
    assert "tasks per unit: scene 5 · page 3 · exchange 4 · character-scene 7" in out
    assert "4 tasks × $0.40 × overlap 2 = $3.20; no budget cap" in out
    assert "night_shift.fountain#s002: no dialogue" in out
    assert "night_shift.fountain#s001" in out and "Kitchen closed an hour ago." in out
    assert "night-shift" not in listed(runner, config) and "night_shift-scenes" not in listed(
        runner, config
    )


def test_an_import_creates_one_batch_of_unit_tasks(runner, config, tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text(
        json.dumps({"project": {"name": "Tide", "budget_cap_cents": 500}, "review_rate": 0.5})
    )
    result = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(sample_path(tmp_path, "low_tide.fdx")),
            str(sample_path(tmp_path, "low_tide.pdf")),
            "--settings",
            str(settings),
            "--template",
            "character_motivation",
            "--unit",
            "character-scene",
            "--name",
            "motives",
            "--pay-cents",
            "60",
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "imported batch 1 'motives': 14 character-scene tasks from low_tide.fdx, low_tide.pdf"
        in flat(result.output)
    )
    assert "motives" in listed(runner, config)


def test_a_refused_script_exits_2_with_the_reason_and_stores_nothing(runner, config, tmp_path):
    bad = tmp_path / "notes.fountain"
    bad.write_text("Shopping: eggs, milk, [bold]bread[/bold].\n")
    result = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(bad),
            "--template",
            "plot_beat",
            "--unit",
            "page",
            "--pay-cents",
            "10",
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 2
    assert "notes.fountain: file: has no scene headings" in result.stderr
    assert "notes-pages" not in listed(runner, config)


def test_missing_pay_and_unknown_unit_are_usage_errors(runner, config, tmp_path):
    script = sample_path(tmp_path, "low_tide.fountain")
    no_pay = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(script),
            "--template",
            "plot_beat",
            "--unit",
            "scene",
            "--config",
            str(config),
        ],
    )
    assert no_pay.exit_code == 2 and "give --pay-cents" in no_pay.stderr
    bad_unit = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(script),
            "--template",
            "plot_beat",
            "--unit",
            "act",
            "--pay-cents",
            "5",
            "--config",
            str(config),
        ],
    )
    assert bad_unit.exit_code == 2 and "--unit must be one of scene, page" in bad_unit.stderr


def test_script_text_is_printed_literally_not_as_markup(runner, config, tmp_path):
    script = tmp_path / "markup.fountain"
    script.write_text("INT. STUDIO - DAY\n\nMARA\nSay [bold]this[/bold] and [red]that[/].\n")
    result = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(script),
            "--template",
            "dialogue_tone",
            "--unit",
            "scene",
            "--pay-cents",
            "40",
            "--project",
            "[b]Proj[/b]",
            "--dry-run",
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "[bold]this[/bold]" in result.output and "[red]that[/]." in result.output
    assert "project '[b]Proj[/b]'" in flat(result.output)


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        (b'{"name": "caf\xe9"}', "byte 0xe9 at column 14 is not UTF-8"),
        (b"\xff\xfe{}", "is UTF-16 text, not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"priority": ' + b"9" * 5000 + b"}", "too many digits"),
        (b'{"review_rate": NaN}', "NaN is not standard JSON"),
        (b"[1]", "expected an object of batch settings"),
    ],
    ids=["not-utf8", "utf16", "deep", "digits", "nan", "not-an-object"],
)
def test_a_broken_settings_file_is_refused_naming_it(runner, config, tmp_path, settings, says):
    script = sample_path(tmp_path, "low_tide.fountain")
    path = tmp_path / "s.json"
    path.write_bytes(settings)
    result = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(script),
            "--template",
            "dialogue_tone",
            "--unit",
            "scene",
            "--pay-cents",
            "40",
            "--settings",
            str(path),
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 2, result.output
    assert says in flat(result.output) and "s.json" in result.output
    assert "Traceback" not in result.output


def test_a_settings_file_with_a_bom_or_the_header_form_is_read(runner, config, tmp_path):
    script = sample_path(tmp_path, "low_tide.fountain")
    path = tmp_path / "s.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"batch": {"project": "Bom"}}).encode())
    result = runner.invoke(
        app,
        [
            "batch",
            "from-script",
            str(script),
            "--template",
            "dialogue_tone",
            "--unit",
            "scene",
            "--pay-cents",
            "40",
            "--settings",
            str(path),
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output


def test_names_taken_from_a_long_file_name_are_cut_to_fit(runner, config, tmp_path):
    script = tmp_path / ("a" * 130 + ".fountain")
    script.write_bytes(script_file("low_tide.fountain").read_bytes())
    base = ["batch", "from-script", str(script), "--unit", "scene", "--pay-cents", "40"]
    base += ["--template", "dialogue_tone", "--config", str(config)]
    # Before: 'settings: batch.project.name: is too long' and 'batch.name: is too long', for
    # names nobody gave.
    result = runner.invoke(app, base)
    assert result.exit_code == 0, result.output
    assert f"imported batch 1 '{'a' * 73}-scenes'" in flat(result.output)
    # A name given is checked as given
    result = runner.invoke(app, [*base, "--name", "n" * 81])
    assert result.exit_code == 2 and "at most 80 characters" in flat(result.output), result.output
