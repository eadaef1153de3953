"""Hostile answers and drafts, through TaskBank on both stores: each class is refused with a clear,
short message, and a refusal stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from taskbank.errors import ValidationFailed
from taskbank.models import AssignmentState
from taskbank.service import TaskBank
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch

SCENE_WORDS = 80  # scene_from_prompt asks for 80 to 400 words


async def claim_from(bank: TaskBank, data: bytes) -> int:
    """Import a one-task batch and claim its task; the assignment id."""
    await bank.import_batch(data, filename="b.jsonl")
    return (await bank.claim("w1")).assignment.id


async def claim_scene(bank: TaskBank) -> int:
    task = {"id": "s1", "payload": {"prompt": "Two strangers share a lift that will not move."}}
    return await claim_from(bank, jsonl(header(template="scene_from_prompt"), [task]))


async def claim_endings(bank: TaskBank) -> int:
    task = {"id": "e1", "payload": {"excerpt": "Setup.", "endings": ["A", "B", "C"]}}
    return await claim_from(bank, jsonl(header(template="rank_endings"), [task]))


async def refused_submit(bank: TaskBank, assignment_id: int, response: Any) -> dict[str, str]:
    """Submit, expect a refusal, check nothing was stored; the problems by field."""
    with pytest.raises(ValidationFailed) as raised:
        await bank.submit(assignment_id, "w1", response, "k1")
    assert await bank.store.submission_for_assignment(assignment_id) is None
    assert (await bank.store.get_assignment(assignment_id)).state == AssignmentState.ACTIVE
    return {p.field: p.message for p in raised.value.problems}


async def refused_draft(bank: TaskBank, assignment_id: int, answers: Any) -> dict[str, str]:
    """Save a draft, expect a refusal, check the stored draft did not change; problems by field."""
    before = await bank.draft(assignment_id)
    with pytest.raises(ValidationFailed) as raised:
        await bank.save_draft(assignment_id, "w1", answers)
    assert await bank.draft(assignment_id) == before
    return {p.field: p.message for p in raised.value.problems}


# -- invisible text ---------------------------------------------------------------------------


async def test_a_scene_of_zero_width_words_is_refused_and_nothing_is_stored(bank):
    # given a paid 80-400-word scene
    assignment_id = await claim_scene(bank)
    # when the scene is 100 "words" of zero-width characters, or real words joined by them
    invisible_words = " ".join(["\u200b\u200d\u2060\ufeff"] * 100)
    joined = "\u200b".join(["word"] * 100)
    # then neither passes: the first is blank, the second is one word
    assert (
        "blank" in (await refused_submit(bank, assignment_id, {"scene": invisible_words}))["scene"]
    )
    assert (await refused_submit(bank, assignment_id, {"scene": joined}))["scene"] == (
        "too short: 1 word, at least 80 expected"
    )


BLANKS = ["\u2800", "\u3164", "\u115f", "\u0301\u0308", "\u00ad", "\u2062", "\U000e0020"]


async def test_blank_glyphs_format_characters_and_lone_marks_count_as_no_words(bank):
    # given a paid scene
    assignment_id = await claim_scene(bank)
    for blank in BLANKS:  # braille blank, Hangul fillers, lone marks, soft hyphen, format chars
        # when each of its 100 words is a character that shows nothing
        problems = await refused_submit(bank, assignment_id, {"scene": " ".join([blank] * 100)})
        # then it is blank, not 100 words
        assert problems["scene"].startswith("the text is blank"), blank


async def test_invisible_padding_does_not_reach_a_word_minimum(bank):
    # given a paid scene and 79 real words
    assignment_id = await claim_scene(bank)
    words = " ".join(["rain"] * (SCENE_WORDS - 1))
    # when invisible "words" pad it past 80
    padded = words + " \u200b \u2800 \u3164 \u0301 " * 5
    # then only the visible words count
    assert (await refused_submit(bank, assignment_id, {"scene": padded}))["scene"] == (
        "too short: 79 words, at least 80 expected"
    )


async def test_a_scene_of_real_words_is_stored_trimmed_composed_and_with_plain_newlines(bank):
    # given a paid scene
    assignment_id = await claim_scene(bank)
    # when 80 words arrive with Windows and Unicode line breaks, decomposed accents and
    # invisible characters at the edges
    body = "\r\n".join(["cafe\u0301 rain"] * 40) + "\u2028THE END"
    result = await bank.submit(assignment_id, "w1", {"scene": f"\u200b\ufeff  {body} \u200b"}, "k1")
    # then the stored scene is what a reader sees, in one normal form
    stored = result.submission.answers["scene"]
    assert stored == "\n".join(["café rain"] * 40) + "\nTHE END"


# -- control characters, bidi controls, surrogates --------------------------------------------


CONTROLS = {"\x00": "U+0000", "\x1b[2J": "U+001B", "\x07": "U+0007", "\x08": "U+0008"}
CONTROLS |= {"\x7f": "U+007F", "\x9b": "U+009B", "\x0c": "U+000C", "\x0b": "U+000B"}


async def test_control_characters_are_refused_naming_the_character(bank):
    # given a paid scene
    assignment_id = await claim_scene(bank)
    for char, code in CONTROLS.items():  # NUL, an ESC sequence, BEL, backspace, DEL, C1 CSI, …
        # when a control character sits in an otherwise good scene
        scene = " ".join(["rain"] * 50) + char + " ".join(["rain"] * 50)
        problems = await refused_submit(bank, assignment_id, {"scene": scene})
        # then the refusal names it and says what is accepted
        assert code in problems["scene"]
        assert "only line breaks and tabs are accepted" in problems["scene"]


async def test_bidirectional_overrides_embeddings_and_isolates_are_refused(bank):
    # given a paid scene
    assignment_id = await claim_scene(bank)
    for char in ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]:
        # when a bidi control reorders part of it
        scene = " ".join(["rain"] * 50) + f" {char}gnp.exe " + " ".join(["rain"] * 50)
        problems = await refused_submit(bank, assignment_id, {"scene": scene})
        # then it is refused as a bidirectional control
        assert f"U+{ord(char):04X}" in problems["scene"]
        assert "bidirectional control" in problems["scene"]


async def test_lone_surrogates_are_refused_in_every_answer_string(bank):
    # given a ranking-and-reason task and a tone task
    endings = await claim_endings(bank)
    # when a lone surrogate is in a text, a ranked option or a question id
    text = await refused_submit(
        bank, endings, {"ranking": ["A", "B", "C"], "reason": "fine \ud800 words here ok"}
    )
    ranked = await refused_submit(
        bank, endings, {"ranking": ["A", "B", "\udfff"], "reason": "one two three four five"}
    )
    keyed = await refused_submit(
        bank,
        endings,
        {"ranking": ["A", "B", "C"], "reason": "one two three four five", "x\ud800": 1},
    )
    # then each is refused, never an exception, and the message shows it escaped
    assert "lone surrogate (U+D800)" in text["reason"]
    assert "lone surrogate (U+DFFF)" in ranked["ranking"]
    assert keyed == {"x\\ud800": keyed["x\\ud800"]}


# -- malformed values -------------------------------------------------------------------------

MALFORMED_RATINGS: dict[str, Any] = {
    "double-minus": "--3",
    "superscript-two": "²",
    "arabic-indic-three": "٣",
    "spaced-decimal": " 3.0",
    "decimal-text": "3.0",
    "float-whole": 3.0,
    "float": 2.5,
    "nan": float("nan"),
    "huge-digits": "9" * 100_000,
    "true": True,
    "false": False,
    "huge-int": 10**5000,
    "empty": "",
    "list": [3],
    "object": {"value": 3},
    "zero-width-suffix": "3\u200b",
    "plus-minus": "+-3",
}


async def test_malformed_ratings_are_refused_not_raised(bank):
    # given a tone task with a 1-5 pacing scale
    assignment_id = await claim_from(bank, tone_batch(1))
    for name, rating in MALFORMED_RATINGS.items():
        # when the rating is not a plain whole number
        problems = await refused_submit(bank, assignment_id, {**TONE_ANSWER, "pacing": rating})
        # then it is refused, saying what was expected, in a short message
        message = problems["pacing"]
        assert "expected a whole number from 1 (slow) to 5 (fast)" in message or (
            name == "empty" and message == "an answer is required"
        ), name
        assert len(message) < 200


async def test_a_megabyte_wrong_label_is_quoted_as_a_short_prefix(bank):
    # given a tone task
    assignment_id = await claim_from(bank, tone_batch(1))
    # when the tone is a 1 MB string that is no option, and a 1 MB question id comes along
    problems = await refused_submit(
        bank, assignment_id, {**TONE_ANSWER, "tone": "x" * 1_000_000, "k" * 1_000_000: "tense"}
    )
    # then the messages quote 40 characters and an ellipsis, never the whole
    assert problems["tone"].startswith(f"'{'x' * 40}…' is not an option; expected one of 'tense'")
    assert len(problems["tone"]) < 300
    assert f"{'k' * 40}…" in problems


async def test_a_hundred_thousand_labels_are_refused_without_quoting_them(bank):
    # given a tone task (8 genres, one or two to choose)
    assignment_id = await claim_from(bank, tone_batch(1))
    # when the genre list holds 100,000 items
    problems = await refused_submit(
        bank, assignment_id, {**TONE_ANSWER, "genre": ["noir"] * 100_000}
    )
    # then the refusal counts them instead of listing them
    assert problems["genre"] == "100,000 labels given; this task has 8 options"


async def test_a_hundred_thousand_unknown_keys_are_counted_not_listed(bank):
    # given a tone task
    assignment_id = await claim_from(bank, tone_batch(1))
    # when an answer and a draft carry 100,000 keys that are no question
    junk = {f"q{i}": "x" for i in range(100_000)}
    with pytest.raises(ValidationFailed) as submitted:
        await bank.submit(assignment_id, "w1", {**TONE_ANSWER, **junk}, "k1")
    with pytest.raises(ValidationFailed) as drafted:
        await bank.save_draft(assignment_id, "w1", junk)
    # then ten are named and the rest counted, and nothing is stored
    for raised in (submitted, drafted):
        assert len(raised.value.problems) == 11
        assert raised.value.problems[-1].message == "and 99,990 more keys that are not questions"
    assert await bank.store.submission_for_assignment(assignment_id) is None
    assert await bank.draft(assignment_id) == {}


async def test_non_text_keys_nested_objects_and_nulls_in_lists_are_refused_cleanly(bank):
    # given a tone task
    assignment_id = await claim_from(bank, tone_batch(1))
    # when keys are not text and values are objects, nested lists or hold nulls
    problems = await refused_submit(
        bank,
        assignment_id,
        {"tone": {"pick": "tense"}, "genre": ["noir", None], "pacing": [[3]], 7: "x", None: 1},
    )
    # then every one is named, none raises
    assert problems["tone"].startswith("expected one of 'tense'")
    assert problems["genre"] == "item 2 is null, not a label"
    assert problems["pacing"] == "expected a whole number from 1 (slow) to 5 (fast), got a list"
    assert problems["response"].startswith("question ids are text")


# -- drafts -----------------------------------------------------------------------------------


async def test_a_twenty_megabyte_draft_is_refused_and_the_saved_draft_kept(bank):
    # given a scene with a half-written draft
    assignment_id = await claim_scene(bank)
    await bank.save_draft(assignment_id, "w1", {"scene": "It begins."})
    # when 20 MB arrive as the scene
    problems = await refused_draft(bank, assignment_id, {"scene": "x" * 20_000_000})
    # then it is refused naming the question and the cap, and the earlier draft stays
    assert problems["scene"] == "not saved: too long to keep: 20,000,000 characters, at most 20,000"
    assert await bank.draft(assignment_id) == {"scene": "It begins."}


async def test_a_draft_for_an_unknown_question_is_refused(bank):
    # given a tone task
    assignment_id = await claim_from(bank, tone_batch(1))
    # when a draft answers a question the task does not have, or uses a non-text key
    problems = await refused_draft(bank, assignment_id, {"tone": "tense", "mood": "grim", 3: "x"})
    # then the draft is not saved at all, naming the unknown question
    assert problems["mood"].startswith("no such question; expected answers to genre, pacing, tone")
    assert problems["response"].startswith("question ids are text")


BAD_TEXT_DRAFTS = {
    "It \x00begins": "control character (U+0000)",
    "It \x1b[31mbegins": "control character (U+001B)",
    "It \u202ebegins": "bidirectional control (U+202E)",
    "It \ud83dbegins": "lone surrogate (U+D83D)",
}
WRONG_SHAPES = [({"text": "It begins"}, "a dict"), (["It", "begins"], "a list"), (42, "42")]


async def test_a_draft_with_refused_characters_or_a_wrong_shape_is_refused(bank):
    # given a scene
    assignment_id = await claim_scene(bank)
    for text, expected in BAD_TEXT_DRAFTS.items():
        # when the draft holds a refused character
        problems = await refused_draft(bank, assignment_id, {"scene": text})
        # then it is refused naming the question and the character
        assert expected in problems["scene"]
    for value, shown in WRONG_SHAPES:
        # when it holds a shape no text question takes
        problems = await refused_draft(bank, assignment_id, {"scene": value})
        # then it is refused saying what was expected
        assert problems["scene"] == f"not saved: expected text, got {shown}"


async def test_a_draft_of_choices_must_be_labels_and_numbers_no_longer_than_the_options(bank):
    # given a tone task (8 genres)
    assignment_id = await claim_from(bank, tone_batch(1))
    # when labels come as a long list, with nulls, or a rating as true or a huge number
    long_list = await refused_draft(bank, assignment_id, {"genre": ["noir"] * 9})
    with_null = await refused_draft(bank, assignment_id, {"genre": ["noir", None]})
    boolean = await refused_draft(bank, assignment_id, {"pacing": True})
    huge = await refused_draft(bank, assignment_id, {"pacing": 10**5000})
    # then each is refused and named
    assert long_list["genre"] == "not saved: 9 labels; this task has 8 options"
    assert with_null["genre"] == "not saved: item 2 is null, not a label"
    assert boolean["pacing"] == "not saved: expected a whole number, got true"
    assert huge["pacing"] == "not saved: expected a whole number, got a number too large to show"


async def test_a_whole_draft_over_64_kib_is_refused_naming_the_question(bank):
    # given a custom task with four long text questions
    questions = [
        {"id": name, "kind": "text", "prompt": name, "max_chars": 20_000}
        for name in ("part_one", "part_two", "part_three", "part_four")
    ]
    task = {"id": "c1", "payload": {"excerpt": "Write."}}
    settings = header(template="custom", questions=questions, payload_fields={"excerpt": "text"})
    assignment_id = await claim_from(bank, jsonl(settings, [task]))
    # when one answer of 19,000 two-byte characters is saved, then a second
    long = "é" * 19_000  # two bytes a character in JSON
    await bank.save_draft(assignment_id, "w1", {"part_one": long})
    problems = await refused_draft(bank, assignment_id, {"part_two": long})
    # then the draft that would pass 64 KiB is refused, naming the answer that tipped it
    assert problems["part_two"].startswith("not saved: the whole answer would be 76,0")
    assert "at most 65,536 are kept" in problems["part_two"]


async def test_a_half_done_draft_is_kept_even_when_not_yet_valid(bank):
    # given a ranking-and-reason task and a tone task
    endings = await claim_endings(bank)
    # when the draft holds an incomplete ranking and a too-short reason
    draft = await bank.save_draft(endings, "w1", {"ranking": ["B"], "reason": "because\r\nit"})
    # then both are kept (line breaks as stored text has them), and a blank value removes one
    assert draft == {"ranking": ["B"], "reason": "because\nit"}
    assert await bank.save_draft(endings, "w1", {"reason": ""}) == {"ranking": ["B"]}
    assert await bank.draft(endings) == {"ranking": ["B"]}


def test_punctuation_alone_is_no_word_of_a_paid_scene():
    import pytest as _pytest

    from taskbank.errors import ValidationFailed
    from taskbank.questions import validate_response
    from taskbank.templates import BUILTIN_TEMPLATES

    template = BUILTIN_TEMPLATES["scene_from_prompt"]
    payload = {"prompt": "Two strangers share an umbrella."}
    for filler in (". ", "- ", "\ufffc ", "… "):
        question = template.questions[0]
        with _pytest.raises(ValidationFailed, match="words"):
            validate_response(template.questions, payload, {question.id: filler * 90})
