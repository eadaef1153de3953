"""Round 3: a digit that is not an ASCII digit (such as '²', which str.isdigit accepts and int
refuses) is refused in words on a card, in a select's picks and in a form, which asks again."""

from __future__ import annotations

from tests.batches import header, jsonl, tone_batch
from tests.test_console import run_script

SORRY = "Sorry, something went wrong"


def check_batch() -> bytes:
    """One consistency check: its verdict has three choices, so they are buttons."""
    payload = {"excerpt": "A: Hi.", "question": "Tone?", "earlier_label": "warm"}
    return jsonl(
        header(name="check", template="consistency_check"), [{"id": "c-1", "payload": payload}]
    )


def endings_batch() -> bytes:
    """One rank-endings task: its answer is a form with a place per ending."""
    task = {"id": "e-1", "payload": {"excerpt": "A: Well?", "endings": ["Rain", "Sun", "Snow"]}}
    return jsonl(header(name="endings", template="rank_endings"), [task])


async def test_a_superscript_digit_as_a_control_number_is_refused_in_words(bank, tmp_path):
    await bank.import_batch(tone_batch(1), filename="t.jsonl")
    transcript = await run_script(bank, tmp_path, ["/task", "²"])
    assert SORRY not in transcript
    assert "Type a /command, or the number of a control" in transcript


async def test_a_superscript_digit_as_a_select_pick_is_refused_in_words(bank, tmp_path):
    await bank.import_batch(tone_batch(1), filename="t.jsonl")
    # questions 1 (eight tones) and 2 (genres) are lists picked by number
    transcript = await run_script(bank, tmp_path, ["/task", "1 ²", "2 ²", "2 1,³"])
    assert SORRY not in transcript
    assert transcript.count("Give choices by number, 1 to 8") == 3
    assert not await bank.draft(1)


async def test_a_superscript_digit_as_a_button_pick_is_refused_in_words(bank, tmp_path):
    await bank.import_batch(check_batch(), filename="c.jsonl")
    # question 1 has three choices, shown as buttons picked by place
    transcript = await run_script(bank, tmp_path, ["/task", "1 ²", "1 2"])
    assert SORRY not in transcript
    assert "Give a choice after the number: 1 and 1 to 3" in transcript
    assert (await bank.draft(1))["verdict"] == "inconsistent"


async def test_a_superscript_digit_in_a_form_keeps_the_form_open(bank, tmp_path):
    await bank.import_batch(endings_batch(), filename="e.jsonl")
    # the answer is a form, one line a field: three ranked places, then why; '²' picks nothing,
    # so that place is refused in words and asked again (it is not read as an empty place)
    why = "Rain ends it where it began."
    answers = ["²", "1", "2", "3", why]
    transcript = await run_script(bank, tmp_path, ["/task", "1", *answers])
    assert SORRY not in transcript
    assert "Endings, best first: 1st: '²' is not offered; type one number from 1 to 3" in transcript
    assert "missing" not in transcript and "Form closed" not in transcript
    assert (await bank.draft(1))["ranking"] == ["Rain", "Sun", "Snow"]
