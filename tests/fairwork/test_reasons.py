"""A rejection reaches its writer privately at once, with the reason, the guideline it cites and
until when they may appeal."""

from __future__ import annotations

from bot.text import plain_times
from taskbank.reasons import cited_guideline
from tests.batches import tone_batch
from tests.fairwork.conftest import RITA, press, reject
from tests.fairwork.ledger import WRITER, hold

GUIDELINES = "Read the whole excerpt.\n1. Judge the tone, not the grammar.\n2) Noir needs a crime."


async def rejected_by_rita(taskbot, bank, reason="§2: nobody commits a crime here") -> int:
    batch = tone_batch(2, project={"name": "Noir", "guidelines": GUIDELINES})
    await bank.import_batch(batch, filename="b.jsonl")
    submission_id = await hold(bank, 5, "submit")
    await taskbot.handle(reject(RITA, submission_id, reason))
    return submission_id


async def test_a_rejection_reaches_the_writer_privately_with_reason_guideline_and_appeal_date(
    taskbot, chat, bank
):
    submission_id = await rejected_by_rita(taskbot, bank)
    [notice] = [s for s in chat.sent if s.kind == "direct"]
    assert notice.to == WRITER
    assert notice.card.title == "Rejected: t-0001 (Tone, genre and pacing of a dialogue)"
    text = plain_times("\n".join(notice.card.blocks))
    assert "Reason: §2: nobody commits a crime here" in text
    assert "The guideline it cites: 2. Noir needs a crime." in text
    assert f"Appeal by Mon 16 Nov 09:05 UTC: /appeal {submission_id}" in text


async def test_a_reason_citing_no_guideline_is_sent_without_one(taskbot, chat, bank):
    await rejected_by_rita(taskbot, bank, reason="too hasty")
    [notice] = [s for s in chat.sent if s.kind == "direct"]
    assert not any("guideline it cites" in block for block in notice.card.blocks)


async def test_an_approval_or_a_verdict_that_did_not_stand_sends_no_notice(taskbot, chat, bank):
    submission_id = await rejected_by_rita(taskbot, bank)
    await taskbot.handle(reject(RITA, submission_id, "again"))
    await taskbot.handle(press(RITA, f"approve:{submission_id}"))
    assert len([s for s in chat.sent if s.kind == "direct"]) == 1


def test_a_cited_guideline_is_found_by_number_however_it_is_written():
    assert cited_guideline(GUIDELINES, "see guideline 1") == "1. Judge the tone, not the grammar."
    assert cited_guideline(GUIDELINES, "Rule #2") == "2. Noir needs a crime."
    assert cited_guideline(GUIDELINES, "§7 is not a guideline") is None
    assert cited_guideline("", "§1") is None


async def test_a_gold_check_rejection_reaches_the_writer_once(bank):
    from bot.config import ScheduleConfig
    from bot.handlers.context import BotContext
    from bot.roles import Roles
    from bot.scheduler import Jobs
    from tests.batches import header, jsonl, tone_task
    from tests.fake_chat import FakeChat

    chat = FakeChat()
    settings = header(quality={"gold_modes": {"tone": "check"}})
    data = jsonl(settings, [tone_task(1, gold={"tone": "warm"})])  # TONE_ANSWER says tense
    await bank.import_batch(data, filename="g.jsonl")
    await hold(bank, 3, "submit")
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig())
    for _ in range(2):
        await jobs.run_qa_sample()
    [notice] = [s for s in chat.sent if s.kind == "direct"]
    assert notice.to == WRITER and notice.card.title.startswith("Rejected: t-0001")
    assert "Reason: did not match the expected answer to" in notice.card.blocks[0]
