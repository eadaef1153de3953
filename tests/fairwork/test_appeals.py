"""Appeals on both stores: within the window, heard by a coordinator who did not reject, upheld
with a new ledger entry (nothing edited), denied with a reason, counted per reviewer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from taskbank.errors import NotAllowed, ValidationFailed
from taskbank.models import LedgerKind, SubmissionStatus, Verdict
from tests.batches import tone_batch
from tests.fairwork.conftest import CONRAD, CORA, RITA, WENDY, command, reject
from tests.fairwork.ledger import WRITER, hold, ledger_sum, week_of

WINDOW = timedelta(days=14)


async def a_rejection(bank, taskbot=None, reviewer="test:rita") -> int:
    await bank.import_batch(tone_batch(3, pay_cents=80), filename="b.jsonl")
    submission_id = await hold(bank, 4, "submit")
    if taskbot is not None:
        await taskbot.handle(reject(RITA, submission_id, "the tone is calm, not tense"))
    else:
        await bank.record_review(submission_id, reviewer, Verdict.REJECTED, "the tone is calm")
    return submission_id


async def test_an_upheld_appeal_pays_with_one_new_entry_and_edits_nothing(bank):
    submission_id = await a_rejection(bank)
    before = await ledger_sum(bank)
    case = await bank.file_appeal(
        submission_id, WRITER, "calm on the surface, tense beneath", WINDOW
    )
    await bank.decide_appeal(case.appeal.id, "test:cora", upheld=True)
    count, total, rows = await ledger_sum(bank)
    assert (count, total) == (before[0] + 1, before[1] + 80)
    assert rows[: before[0]] == before[2]  # every earlier entry exactly as it was
    [entry] = [
        e for e in await bank.store.ledger_entries(WRITER) if e.submission_id == submission_id
    ]
    assert entry.kind == LedgerKind.EARNED and entry.note == f"appeal {case.appeal.id} upheld"
    assert (await bank.submission(submission_id)).status == SubmissionStatus.APPROVED
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    assert rate.paid_cents == 80 and rate.rejected_seconds == 0


async def test_a_denied_appeal_is_final_with_the_coordinators_reason(bank):
    submission_id = await a_rejection(bank)
    before = await ledger_sum(bank)
    case = await bank.file_appeal(submission_id, WRITER, "please look again", WINDOW)
    with pytest.raises(ValidationFailed):
        await bank.decide_appeal(case.appeal.id, "test:cora", upheld=False, reason=" ")
    denied = await bank.decide_appeal(case.appeal.id, "test:cora", False, "calm throughout")
    assert denied.appeal.outcome == "denied" and denied.appeal.decision_reason == "calm throughout"
    with pytest.raises(NotAllowed, match="already denied"):
        await bank.decide_appeal(case.appeal.id, "test:conrad", upheld=True)
    assert await ledger_sum(bank) == before
    assert (await bank.submission(submission_id)).status == SubmissionStatus.REJECTED


async def test_the_reviewer_who_rejected_and_the_writer_cannot_decide(bank):
    submission_id = await a_rejection(bank)
    case = await bank.file_appeal(submission_id, WRITER, "please look again", WINDOW)
    with pytest.raises(NotAllowed, match="reviewer who rejected"):
        await bank.decide_appeal(case.appeal.id, "test:rita", upheld=True)
    with pytest.raises(NotAllowed, match="own appeal"):
        await bank.decide_appeal(case.appeal.id, WRITER, upheld=True)


async def test_an_appeal_is_refused_after_the_window_twice_or_by_someone_else(bank):
    submission_id = await a_rejection(bank)
    with pytest.raises(NotAllowed, match="only the writer"):
        await bank.file_appeal(submission_id, "test:otto", "mine now", WINDOW)
    with pytest.raises(NotAllowed, match="no appeals"):
        await bank.file_appeal(submission_id, WRITER, "look again", None)
    bank.clock.advance(days=15)
    with pytest.raises(NotAllowed, match="14-day window"):
        await bank.file_appeal(submission_id, WRITER, "look again", WINDOW)
    bank.clock.advance(days=-2)
    await bank.file_appeal(submission_id, WRITER, "look again", WINDOW)
    with pytest.raises(NotAllowed, match="heard once"):
        await bank.file_appeal(submission_id, WRITER, "and again", WINDOW)


async def test_only_rejected_answers_can_be_appealed(bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    submission_id = await hold(bank, 4, "submit")
    with pytest.raises(NotAllowed, match="not rejected"):
        await bank.file_appeal(submission_id, WRITER, "pay me sooner", WINDOW)


async def test_appeals_through_chat_reach_a_coordinator_not_the_reviewer(taskbot, chat, bank):
    submission_id = await a_rejection(bank, taskbot)
    await taskbot.handle(command(WENDY, "appeal", str(submission_id), "calm", "but", "menacing"))
    assert chat.last("post").card.title == "Appeal 1 filed: t-0001"
    cards = [s for s in chat.sent if s.kind == "direct" and s.card.title.startswith("Appeal 1:")]
    assert sorted(s.to for s in cards) == ["test:conrad", "test:cora"]  # rita is a reviewer only
    text = "\n".join(cards[0].card.blocks)
    assert "Rejected by test:rita: the tone is calm, not tense" in text
    assert "The writer's appeal: calm but menacing" in text
    assert "Answers:\nDominant tone: tense" in text

    await taskbot.handle(command(CORA, "appeal", "uphold", "1"))
    told = chat.last("direct")
    assert told.to == WRITER and told.card.title == "Appeal upheld: t-0001"
    assert "$0.80 is paid" in told.card.blocks[0]


async def test_a_reviewer_who_is_also_a_coordinator_gets_no_card_for_their_own_rejection(
    taskbot, chat, bank
):
    submission_id = await a_rejection(bank, reviewer="test:cora")
    await taskbot.handle(command(WENDY, "appeal", str(submission_id), "look", "again"))
    cards = [s for s in chat.sent if s.kind == "direct" and s.card.title.startswith("Appeal 1:")]
    assert [s.to for s in cards] == ["test:conrad"]
    await taskbot.handle(command(CORA, "appeal", "uphold", "1"))
    assert "reviewer who rejected" in "\n".join(chat.last("post").card.blocks)


async def test_the_appeal_report_counts_outcomes_per_reviewer(taskbot, chat, bank):
    await bank.import_batch(tone_batch(3, pay_cents=80), filename="b.jsonl")
    for number, outcome in enumerate(("upheld", "denied", "open"), start=1):
        submission_id = await hold(bank, 4, "submit")
        await bank.record_review(submission_id, "test:rita", Verdict.REJECTED, f"no {number}")
        case = await bank.file_appeal(submission_id, WRITER, "again", WINDOW)
        if outcome != "open":
            await bank.decide_appeal(case.appeal.id, "test:cora", outcome == "upheld", "why")
    await taskbot.handle(command(CONRAD, "appeal", "report"))
    card = chat.last("post").card
    assert card.blocks == ("test:rita: 3 appealed — 1 upheld, 1 denied, 1 open",)
    await taskbot.handle(command(WENDY, "appeal", "report"))
    assert chat.last("post").card.title == "Not allowed"
