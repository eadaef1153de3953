"""Issue 18 item 15: the console numbers picks per question, refuses extra input, and explains
itself in the words of the people using it."""

from __future__ import annotations

from tests.batches import tone_batch
from tests.test_console import run_script


async def test_a_rating_is_typed_as_its_question_and_its_point(bank, tmp_path):
    await bank.import_batch(tone_batch(1), filename="t.jsonl")
    transcript = await run_script(bank, tmp_path, ["/task", "3 4", "3 9", "/quit"])
    assert (await bank.draft(1))["pacing"] == 4
    assert "Give a point after the number: 3 and one of 1, 2, 3, 4, 5" in transcript


async def test_extra_input_after_a_button_is_refused_and_nothing_happens(bank, tmp_path):
    await bank.import_batch(tone_batch(1), filename="t.jsonl")
    transcript = await run_script(bank, tmp_path, ["/task", "5 now", "/quit"])
    assert "it takes nothing after the number" in transcript and "(you typed 'now')" in transcript
    assert "Skip this task?" not in transcript
    assert (await bank.claimed(1)).assignment.state == "active"


async def test_help_speaks_to_writers_reviewers_and_coordinators(bank, tmp_path):
    transcript = await run_script(bank, tmp_path, ["/help", "/quit"])
    assert "What you can type" in transcript and "/react N yes|no" in transcript
    assert "neutral events" not in transcript
