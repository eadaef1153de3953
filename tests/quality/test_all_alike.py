"""When every writer gave the same answer on every shared task, alpha is undefined (its expected
disagreement is 0): the figures say the answers were all alike, not the '—' of too few answers."""

from __future__ import annotations

from bot.quality_view import alpha_text, quality_line
from taskbank.quality.agreement import QuestionAgreement
from tests.quality.conftest import answer_in_order, batch_file

TONE = {"id": "tone", "kind": "label", "prompt": "Tone", "options": ["warm", "cold"]}


def figures(alpha, units, pairable):  # type: ignore[no-untyped-def]
    return QuestionAgreement("tone", "label", "nominal", alpha, None, None, 1.0, units, pairable)


def test_an_undefined_alpha_over_shared_answers_says_they_were_all_alike():
    assert alpha_text(figures(None, 3, 6)) == "— (all answers alike)"


def test_an_alpha_without_shared_answers_is_a_plain_dash():
    assert alpha_text(figures(None, 0, 0)) == "—"


async def test_batch_status_line_says_when_every_writer_agreed(bank):
    batch = await bank.import_batch(batch_file([TONE], 3, overlap=2), filename="b.jsonl")
    for writer in ("x", "y"):
        await answer_in_order(bank, batch.id, writer, [{"tone": "warm"}] * 3)

    quality = await bank.batch_quality(batch.id, resamples=0)

    (tone,) = quality.questions
    assert tone.alpha is None and tone.observed == 1.0 and tone.pairable == 6
    assert quality_line(quality).startswith("α tone — (all answers alike)")
