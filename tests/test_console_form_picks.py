"""The console's form reads each pick by number: a pick the form never offered ('9' of 3, '99',
'²', two picks for one place) is refused naming the field and what was expected, and asked
again; it is never read as "keep what is there", and nothing is saved from it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from adapters.console.chat import ConsoleChat
from adapters.console.session import ConsoleSession
from bot.roles import Roles
from bot.ui import Choice, Form, FormInput
from tests.batches import header, jsonl
from tests.test_console import run_script, scripted

WHY = "Rain ends it where it began."
TOO_SHORT = "too short"
EXPECTED = "is not offered; type one number from 1 to 3"


def endings_batch() -> bytes:
    """One rank-endings task: its answer is a form with a place per ending, then why."""
    task = {"id": "e-1", "payload": {"excerpt": "A: Well?", "endings": ["Rain", "Sun", "Snow"]}}
    return jsonl(header(name="endings", template="rank_endings"), [task])


async def submitted_ranking(bank) -> list[str] | None:
    submission = await bank.store.submission_for_assignment(1)
    return None if submission is None else submission.answers["ranking"]


@pytest.mark.parametrize("junk", ["9", "99", "²", "0", "1,2", "x"])
async def test_an_unoffered_pick_over_an_earlier_answer_is_refused_not_kept(bank, tmp_path, junk):
    # given a form sent back for a too-short reason, its places holding Rain, Sun, Snow
    await bank.import_batch(endings_batch(), filename="e.jsonl")
    first_try = ["1", "2", "3", TOO_SHORT]
    # when the writer answers the 2nd place with a pick the form never offered, then stops
    second_try = ["3", junk]
    transcript = await run_script(bank, tmp_path, ["/task", "1", *first_try, *second_try])
    # then that place is refused by name, saying what was expected, and nothing is submitted
    assert f"Endings, best first: 2nd: '{junk}' {EXPECTED}" in transcript
    assert "Form closed; nothing was sent." in transcript
    assert await submitted_ranking(bank) is None


async def test_after_a_refused_pick_the_place_is_asked_again_and_the_answer_is_the_writers(
    bank, tmp_path
):
    # given the same form sent back once
    await bank.import_batch(endings_batch(), filename="e.jsonl")
    first_try = ["1", "2", "3", TOO_SHORT]
    # when the 2nd place is answered '9' of 3, then '1', and the 3rd '2'
    second_try = ["3", "9", "1", "2", WHY]
    transcript = await run_script(bank, tmp_path, ["/task", "1", *first_try, *second_try])
    # then the 2nd place was asked again, and the ranking saved is the one the writer gave
    assert transcript.count("Endings, best first: 2nd [Sun]: ") == 2
    assert await submitted_ranking(bank) == ["Snow", "Rain", "Sun"]


@pytest.mark.parametrize("junk", ["99", "²"])
async def test_an_unoffered_pick_in_an_empty_place_names_that_place_not_missing(
    bank, tmp_path, junk
):
    # given a fresh form, nothing in its places
    await bank.import_batch(endings_batch(), filename="e.jsonl")
    # when the 1st place is answered with a pick the form never offered, then properly
    answers = [junk, "1", "2", "3", WHY]
    transcript = await run_script(bank, tmp_path, ["/task", "1", *answers])
    # then the 1st place is refused by name, not counted as blank, and then saved as typed
    assert f"Endings, best first: 1st: '{junk}' {EXPECTED}" in transcript
    assert "missing" not in transcript
    assert await submitted_ranking(bank) == ["Rain", "Sun", "Snow"]


async def test_enter_alone_still_keeps_what_is_there(bank, tmp_path):
    await bank.import_batch(endings_batch(), filename="e.jsonl")
    script = ["/task", "1", "1", "2", "3", TOO_SHORT, "", "", "", WHY]
    transcript = await run_script(bank, tmp_path, script)
    assert "is not offered" not in transcript
    assert await submitted_ranking(bank) == ["Rain", "Sun", "Snow"]


# -- a multiple-choice field, read by the session's form reader -----------------------------------

TONES = (Choice("warm", "w"), Choice("cold", "c"), Choice("dry", "d"))


async def asked(lines: list[str], value: tuple[str, ...] = ("w", "d")):
    """What the console's form reader returns for one multiple-choice field, and what it said."""
    output = io.StringIO()
    console = Console(file=output, width=110, color_system=None)
    chat = ConsoleChat(console, Path("exports"))
    session = ConsoleSession(None, chat, Roles(), scripted(lines, console), "wendy")  # type: ignore[arg-type]
    field = FormInput("tones", "Tones", "multiselect", value, TONES)
    values = await session._ask(Form("f", "Tones", (field,)))
    return values, output.getvalue()


@pytest.mark.parametrize("junk", ["1,4", "2,,3", "²", "1,x"])
async def test_a_multiple_choice_with_an_unoffered_pick_is_refused_and_asked_again(junk):
    values, said = await asked([junk, "2,3"])
    assert f"Tones: '{junk}' is not offered; type numbers from 1 to 3" in said
    assert values == {"tones": ("c", "d")}


async def test_enter_alone_keeps_every_choice_of_a_multiple_choice():
    values, _ = await asked([""])
    assert values == {"tones": ("w", "d")}
