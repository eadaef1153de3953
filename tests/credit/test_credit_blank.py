"""A credited name must show: blank glyphs (the Hangul fillers, U+2800, which answer text also
treats as blank), a letter under a stack of combining marks, or a name of fillers are refused;
names in scripts that use combining marks are kept. On both stores, nothing refused is stored."""

from __future__ import annotations

import pytest

from taskbank.credit import credited_name
from taskbank.errors import ValidationFailed
from tests.batches import tone_batch

ACUTE = "\u0301"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("\u3164\u3164", "2 to 60 characters"),
        ("\u115f\u3164\u3164", "2 to 60 characters"),
        ("\u2800\u2800\u2800", "2 to 60 characters"),
        ("A" + ACUTE * 59, "2 to 60 characters"),
        ("Ab" + ACUTE * 58, "no more than 4 marks on one letter"),
        ("Ana\u3164Lima", "no control or invisible"),
        ("Ana \u1160 Lima", "no control or invisible"),
    ],
)
def test_a_credited_name_that_does_not_show_is_refused(name, problem):
    with pytest.raises(ValidationFailed, match=problem):
        credited_name(name)


@pytest.mark.parametrize(
    ("typed", "credited"),
    [
        ("สมศักดิ์ ใจดี", "สมศักดิ์ ใจดี"),  # Thai vowel and tone marks are combining marks
        ("Nguye\u0302\u0303n Va\u0306n", "Nguyễn Văn"),  # typed decomposed, kept composed
        ("\u3164Ana Lima\u3164", "Ana Lima"),  # fillers at the ends are trimmed like spaces
    ],
)
def test_names_whose_scripts_use_combining_marks_are_kept(typed, credited):
    assert credited_name(typed) == credited


async def test_a_blank_name_is_refused_and_no_credit_stored(bank):
    batch = await bank.import_batch(tone_batch(1), filename="one.jsonl")
    with pytest.raises(ValidationFailed):
        await bank.set_credit("test:ana", "Test project", "\u3164\u3164")
    assert await bank.store.project_credits(batch.project_id) == {}


@pytest.mark.parametrize("name", ["प्रिया शर्मा", "அருண் குமார்", "সুমিতা দাস"])
def test_names_with_spacing_vowel_signs_are_kept(name):
    # Devanagari, Tamil and Bengali vowel signs such as U+093F are spacing marks (Mc)
    assert credited_name(name) == name
