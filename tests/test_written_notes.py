"""What people write beside a decision — a rejection's reason, an appeal's note, a denial's or a
bonus's reason — gets the checks answers get: text that shows nothing is no reason, control and
direction characters are refused, and length is capped by the bank, not only by the chat's form."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taskbank.errors import ValidationFailed
from taskbank.models import SubmissionStatus, Verdict
from tests.batches import tone_batch
from tests.fairwork.ledger import REVIEWER, WRITER, hold

INVISIBLE = ["\u200b\u200b\u200b", "\u2800", "\u3164\u3164", " \u00ad "]
REFUSED = [("bad\x00\x07 work", "U+0000"), ("\u202eoops", "U+202E"), ("x" * 200_000, "at most")]


async def submitted(bank) -> int:
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    return await hold(bank, 2, "submit")


@pytest.mark.parametrize("reason", INVISIBLE)
async def test_a_rejection_whose_reason_shows_nothing_is_refused(bank, reason):
    submission_id = await submitted(bank)
    with pytest.raises(ValidationFailed) as raised:
        await bank.record_review(submission_id, REVIEWER, Verdict.REJECTED, reason)
    assert "needs a reason" in raised.value.problems[0].message
    assert (await bank.submission(submission_id)).status == SubmissionStatus.PENDING


@pytest.mark.parametrize(("reason", "said"), REFUSED)
async def test_a_rejection_reason_with_refused_text_is_refused(bank, reason, said):
    submission_id = await submitted(bank)
    with pytest.raises(ValidationFailed) as raised:
        await bank.record_review(submission_id, REVIEWER, Verdict.REJECTED, reason)
    (problem,) = raised.value.problems
    assert problem.field == "reason" and said in problem.message
    assert (await bank.submission(submission_id)).status == SubmissionStatus.PENDING


async def test_a_reason_is_stored_trimmed_and_as_text_is_stored(bank):
    submission_id = await submitted(bank)
    await bank.record_review(submission_id, REVIEWER, Verdict.REJECTED, "\u200b too flat\r\n ")
    notice = await bank.rejection_notice(submission_id, timedelta(days=14))
    assert notice.reason == "too flat"


async def test_appeal_notes_denials_and_bonus_reasons_are_checked_alike(bank):
    submission_id = await submitted(bank)
    await bank.record_review(submission_id, REVIEWER, Verdict.REJECTED, "too flat")
    for note in ("\u200b", "\u202eread me"):
        with pytest.raises(ValidationFailed):
            await bank.file_appeal(submission_id, WRITER, note, timedelta(days=14))
    case = await bank.file_appeal(submission_id, WRITER, "it follows rule 2", timedelta(days=14))
    with pytest.raises(ValidationFailed):
        await bank.decide_appeal(case.appeal.id, "test:cora", False, "\u2800\u2800")
    for reason in ("\u200b", "\u202eevil", "ok\x1b[31m"):
        with pytest.raises(ValidationFailed):
            await bank.grant_bonus(WRITER, 100, reason, "test:cora")
    assert await bank.store.ledger_entries(WRITER) == []
