"""Top-ups to target on both stores: at tally time an opted-in project pays each writer the
difference to its target rate as one new bonus entry, once however often the tally runs."""

from __future__ import annotations

from bot.config import ScheduleConfig
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.scheduler import Jobs
from taskbank.fairpay import FairWorkPolicy
from taskbank.models import LedgerKind, Verdict
from tests.batches import tone_batch
from tests.fairwork.ledger import REVIEWER, WRITER, hold, ledger_sum, week_of
from tests.fake_chat import FakeChat


def jobs(bank, chat, *projects: str) -> Jobs:
    policy = FairWorkPolicy(top_up_projects=projects)
    ctx = BotContext(bank, chat, Roles(), time_zone="UTC", fair_work=policy)
    return Jobs(ctx, ScheduleConfig(tally_chart=False))


async def forty_minutes_for_aim(bank) -> None:
    """40 minutes on project Aim ($12/h target, 40c a task): approved 10, approved 10, rejected
    10, released after 10. Paid 80c; the target makes 1200 × 2400 / 3600 = 800c."""
    project = {"name": "Aim", "target_hourly_cents": 1200}
    await bank.import_batch(tone_batch(4, pay_cents=40, project=project), filename="b.jsonl")
    for verdict in (Verdict.APPROVED, Verdict.APPROVED, Verdict.REJECTED):
        submission = await hold(bank, 10, "submit")
        await bank.record_review(
            submission, REVIEWER, verdict, "off" if verdict == "rejected" else None
        )
    await hold(bank, 10, "release")


async def test_a_top_up_pays_the_difference_to_target_once_as_a_new_entry(bank):
    chat = FakeChat()
    await forty_minutes_for_aim(bank)
    before = await ledger_sum(bank)
    period = week_of(bank)
    for _ in range(2):  # the tally run again (a restart, a catch-up) pays nothing more
        await jobs(bank, chat, "Aim").post_tally(period)
    count, total, rows = await ledger_sum(bank)
    assert (count, total, rows[: before[0]]) == (before[0] + 1, before[1] + 720, before[2])
    top_up = (await bank.store.ledger_entries(WRITER))[-1]
    assert top_up.kind == LedgerKind.BONUS and top_up.batch_id == 1
    told = [s for s in chat.sent if s.kind == "direct" and s.card.title.startswith("A top-up")]
    assert len(told) == 1 and told[0].card.title == "A top-up of $7.20"
    assert "up to its target of $12.00/h" in told[0].card.blocks[0]


async def test_a_project_that_did_not_opt_in_pays_no_top_up(bank):
    await forty_minutes_for_aim(bank)
    before = await ledger_sum(bank)
    await jobs(bank, FakeChat(), "Another project").post_tally(week_of(bank))
    assert await ledger_sum(bank) == before


async def test_writers_at_or_above_target_get_no_top_up(bank):
    project = {"name": "Aim", "target_hourly_cents": 1200}
    await bank.import_batch(tone_batch(1, pay_cents=400, project=project), filename="b.jsonl")
    submission = await hold(bank, 10, "submit")  # 400c for 10 minutes: $24/h
    await bank.record_review(submission, REVIEWER, Verdict.APPROVED)
    before = await ledger_sum(bank)
    await jobs(bank, FakeChat(), "Aim").post_tally(week_of(bank))
    assert await ledger_sum(bank) == before
