"""End to end through the console adapter in script mode: every role's work, one transcript."""

from __future__ import annotations

import csv
import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

from adapters.console.runner import run_console
from bot.bootstrap import build_runtime
from bot.cli import app
from bot.config import Config
from taskbank.models import SubmissionStatus
from taskbank.periods import period_containing
from taskbank.sample_bank import import_sample_bank
from tests.batches import header, jsonl, tone_batch


def scripted(lines: list[str], console: Console):
    feed = iter(lines)

    async def read_line(prompt: str) -> str | None:
        line = next(feed, None)
        if line is not None:
            console.print(f"{prompt}{line}", markup=False, highlight=False)
        return line

    return read_line


async def run_script(bank, tmp_path, lines: list[str], user: str = "wendy") -> str:
    output = io.StringIO()
    console = Console(file=output, width=110, color_system=None)
    config = Config.model_validate(
        {"roles": {"reviewers": ["console:rita"], "coordinators": ["console:cora"]}}
    )
    options = {
        "read_line": scripted(lines, console),
        "console": console,
        "user": user,
        "export_dir": tmp_path / "exports",
        "interactive": False,
    }
    await run_console(build_runtime(config, bank, options=options))
    return output.getvalue()


async def test_the_whole_loop_in_one_console_transcript(bank, clock, tmp_path):
    # Gold mixing draws from the bank's random source; this transcript follows ordinary tasks
    # (a gold answer is settled automatically, never sampled for review), so draw "plain first".
    bank.rng.random = lambda: 0.999
    await import_sample_bank(bank)
    (tmp_path / "bad.jsonl").write_bytes(jsonl(header(name="bad"), [{"id": "x", "payload": {}}]))
    (tmp_path / "good.jsonl").write_bytes(tone_batch(2, name="fresh"))
    script = [
        "/task",
        "1",  # several batches are open: the menu first, choose the tone batch
        "1",  # the terms first, then the tone task
        "1 1",
        "2 8",
        "3 3",
        "4",  # tone: tense, genre: noir, pacing 3 (question 3, point 3), submit
        "/task 6",
        "1",
        "2",
        "1",
        "3",  # endings: form, ranking places
        "The second ending earns the magic honestly.",
        "/task 7",
        "1",  # rewrite: too close first, then a real one
        "I am experiencing a significant level of fatigue due to the length of my working period!",
        "I've been on my feet sixteen hours. I'm done.",
        "/task 9",
        "1 1",
        "3",  # bias: a flag set, submit: explanation missing
        "2",
        "The only woman in the room takes notes and fetches the coffee.",
        "/earnings",
        "/as rita",
        "/review",
        "1",  # approve the first sample
        "/review",
        "2",
        "",
        "Rank the honest ending first: it pays off the setup.",
        "/as cora",
        f"/batch import {tmp_path / 'bad.jsonl'}",
        f"/batch import {tmp_path / 'good.jsonl'}",
        "/batch export 1 csv",
        "/tally",
        "/quit",
    ]
    transcript = await run_script(bank, tmp_path, script)

    assert "Open work" in transcript  # /task with several batches open: the menu
    assert "Terms of Taskbot sample" in transcript
    assert transcript.count("Saved — pending review") == 4
    assert "only case, punctuation or spacing changed" in transcript
    assert "required because of the answer to 'flags'" in transcript
    assert "Approved: submission 1" in transcript
    assert "a rejection needs a reason" in transcript
    assert "Rejected: submission 2" in transcript
    assert (
        "bad.jsonl: nothing was imported" in transcript
        and "bad.jsonl:2: payload.excerpt" in transcript
    )
    assert "Imported batch 12: fresh" in transcript

    writer = "console:wendy"
    submissions = [await bank.store.get_submission(i) for i in (1, 2, 3, 4)]
    assert [s.writer_id for s in submissions] == [writer] * 4
    assert submissions[0].answers == {"tone": "tense", "genre": ["noir"], "pacing": 3}
    assert (
        submissions[1].answers["ranking"][0]
        == "He stops the show, tells the truth about why he's there, and the audience pays anyway."
    )
    assert submissions[2].answers["rewrite"] == "I've been on my feet sixteen hours. I'm done."
    assert submissions[3].answers["flags"] == ["gender stereotype"]
    assert [s.status for s in submissions] == [
        SubmissionStatus.APPROVED,
        SubmissionStatus.REJECTED,
        SubmissionStatus.PENDING,
        SubmissionStatus.PENDING,
    ]
    newest, *_ = await bank.list_batches()
    assert newest.name == "fresh"

    exported = list(csv.DictReader((tmp_path / "exports" / "dialogue-tone.csv").open()))
    assert exported[0]["writer"].startswith("w-") and exported[0]["verdict"] == "approved"

    tally = await bank.tally(period_containing(clock.now(), "week"), writer_id=writer)
    (line,) = tally.lines
    assert (line.submitted, line.approved, line.rejected, line.pending) == (4, 1, 1, 2)
    assert (line.earned_cents, line.pending_cents) == (25, 45 + 40)
    assert "paid $0.25 (+$0.85 pending)" in transcript


async def test_a_writer_cannot_use_coordinator_commands_in_the_console(bank, tmp_path):
    transcript = await run_script(bank, tmp_path, ["/batch list", "/tally", "/quit"])
    assert transcript.count("Not allowed") == 2
    assert "[roles]" in transcript and "ask a coordinator to add you" not in transcript


async def test_console_explains_bad_lines(bank, tmp_path):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    transcript = await run_script(
        bank, tmp_path, ["7", "/task", "99", "1 42", "/react 1 maybe", "/as", "/quit"]
    )
    assert "number of a control on your latest card" in transcript
    assert "Choose a control from 1 to 6" in transcript
    assert "Give choices by number, 1 to 8" in transcript
    assert "Usage: /react N" in transcript and "Usage: /as NAME" in transcript


def test_taskbot_demo_runs_a_script_from_stdin(tmp_path):
    script = "/task\n1\n/as cora\n/batch list\n/quit\n"
    result = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "demo.db")], input=script)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "imported 15 sample batches" in text
    assert "Tone, genre and pacing of a dialogue" in text
    assert "rewrite_dialogue" in text


@pytest.mark.parametrize("adapter", ["carrier-pigeon"])
def test_run_refuses_an_adapter_that_is_not_installed(tmp_path, adapter):
    config = tmp_path / "taskbot.toml"
    config.write_text(
        f'[database]\nurl = "{tmp_path / "x.db"}"\n[chat]\nadapters = ["{adapter}"]\n'
    )
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "no adapter 'carrier-pigeon' is installed; installed: console" in " ".join(
        result.stderr.split()
    )


async def test_interactive_prompts_show_kept_text_literally(monkeypatch):
    from adapters.console.runner import _reader

    output = io.StringIO()
    console = Console(file=output, width=100, color_system=None)
    monkeypatch.setattr("builtins.input", lambda *args: "typed")
    read_line = _reader(console, interactive=True)
    assert await read_line("Your rewrite [i am so tired]: ") == "typed"
    assert "Your rewrite [i am so tired]: " in output.getvalue()


async def test_a_hostile_import_never_ends_the_console_session(bank, tmp_path):
    """Files that break parsers (JSON nested 10,000 deep, bytes that are not UTF-8) are answered
    (refused, or "sorry, something went wrong") and the session goes on."""
    deep = tmp_path / "deep.jsonl"
    deep.write_bytes(b'{"batch": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(tone_batch(1) + b'{"id": "caf\xe9", "payload": {"excerpt": "\xff"}}\n')
    script = [
        "/as cora",
        f"/batch import {deep}",
        f"/batch import {latin}",
        "/batch list",
        "/help",
        "/quit",
    ]
    transcript = await run_script(bank, tmp_path, script)
    after_imports = transcript.split("latin.jsonl", 1)[1]
    assert "No batches yet" in after_imports
    assert "/as NAME" in after_imports  # /help answered
    assert "/earnings [day | week | month | export]" in after_imports  # with the declared commands
    assert await bank.list_batches() == []


def test_demo_as_another_person_greets_that_person(tmp_path):
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(
        app, ["demo", "--db", str(tmp_path / "d.db"), "--as", "cora"], input="/quit\n"
    )
    assert result.exit_code == 0, result.output
    assert "You start as cora" in result.output and "You are wendy" not in result.output
