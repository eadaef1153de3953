"""Krippendorff's published example, reproduced through Taskbot's own path: a rating batch with
overlap 4, four writers claiming and answering through the TaskBank, alpha read from the bank.

Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4 observers × 12 units.
"""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from tests.quality.conftest import answer_in_order, batch_file

REFERENCE = {
    "A": "1 2 3 3 2 1 4 1 2 . . .",
    "B": "1 2 3 3 2 2 4 1 2 5 . 3",
    "C": ". 3 3 3 2 3 4 2 2 5 1 .",
    "D": "1 2 3 3 2 4 4 1 2 5 1 .",
}
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def score_question(**extra: object) -> dict[str, object]:
    return {
        "id": "score",
        "kind": "rating",
        "prompt": "Score",
        "scale_min": 1,
        "scale_max": 5,
        **extra,
    }


async def reference_batch(bank, **extra: object) -> int:  # type: ignore[no-untyped-def]
    batch = await bank.import_batch(
        batch_file([score_question(**extra)], 12, overlap=4), filename="reference.jsonl"
    )
    for writer, line in REFERENCE.items():
        answers = [None if v == "." else {"score": int(v)} for v in line.split()]
        await answer_in_order(bank, batch.id, writer, answers)
    return batch.id


@pytest.mark.parametrize("level", sorted(PUBLISHED))
async def test_published_alpha_from_stored_submissions(bank, level):
    batch_id = await reference_batch(bank)

    quality = await bank.batch_quality(batch_id, levels={"score": level}, resamples=200)

    (score,) = quality.questions
    assert round(score.alpha, 3) == PUBLISHED[level]
    assert score.level == level


async def test_reference_counts_units_and_pairable_values(bank):
    batch_id = await reference_batch(bank)

    (score,) = (await bank.batch_quality(batch_id, resamples=0)).questions

    # Unit 12 has a single answer: 11 units, 40 of the 41 answers pairable.
    assert (score.units, score.pairable) == (11, 40)
    assert score.level == "interval"  # a rating's default
    assert score.ci_low is None  # no resamples asked for


async def test_a_rating_question_may_choose_ordinal(bank):
    batch_id = await reference_batch(bank, agreement_level="ordinal")

    (score,) = (await bank.batch_quality(batch_id, resamples=0)).questions

    assert (score.level, round(score.alpha, 3)) == ("ordinal", 0.815)


async def test_bootstrap_interval_holds_the_estimate_and_repeats_with_the_seed(bank):
    batch_id = await reference_batch(bank)

    bank.rng.seed(11)
    first = (await bank.batch_quality(batch_id, resamples=500)).questions[0]
    bank.rng.seed(11)
    again = (await bank.batch_quality(batch_id, resamples=500)).questions[0]

    assert first.ci_low <= first.alpha <= first.ci_high
    assert first.ci_high - first.ci_low > 0.01
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)


async def test_a_level_that_does_not_fit_the_question_is_refused(bank):
    batch_id = await reference_batch(bank)

    with pytest.raises(ValidationFailed, match="masi"):
        await bank.batch_quality(batch_id, levels={"score": "masi"})
    with pytest.raises(ValidationFailed, match="no question 'tone'"):
        await bank.batch_quality(batch_id, levels={"tone": "nominal"})
