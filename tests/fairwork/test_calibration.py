"""Pay calibration on both stores: a batch's pay per hour at the median and 75th-percentile time
on task, and the pay per task that reaches the target, in /batch status and the tally."""

from __future__ import annotations

from bot.app import Taskbot
from bot.handlers.context import BotContext
from bot.roles import Roles
from taskbank.fairpay import FairWorkPolicy
from tests.batches import tone_batch
from tests.fairwork.conftest import CORA, command
from tests.fairwork.ledger import hold

TARGETED = {"name": "Aim", "target_hourly_cents": 1200}


async def five_timed_answers(bank, project=TARGETED) -> None:
    await bank.import_batch(tone_batch(6, pay_cents=40, project=project), filename="b.jsonl")
    for minutes in (1, 2, 3, 4, 5):
        await hold(bank, minutes, "submit")


async def test_calibration_matches_hand_computed_figures(bank):
    await five_timed_answers(bank)
    cal = await bank.pay_calibration(1)
    assert (cal.median_seconds, cal.p75_seconds) == (180, 240)
    assert (cal.median_hourly_cents, cal.p75_hourly_cents) == (800, 600)  # 40c × 3600 / s
    assert (cal.pay_for_target_at_median, cal.pay_for_target_at_p75) == (60, 80)  # 1200 × s / 3600


async def test_batch_status_shows_the_calibration_against_the_projects_target(taskbot, chat, bank):
    await five_timed_answers(bank)
    await taskbot.handle(command(CORA, "batch", "status", "1"))
    text = "\n".join(chat.last("post").card.blocks)
    assert (
        "at $0.40 a task writers make $8.00/h at the median time on task (3m00s) and $6.00/h at"
        " the 75th percentile (4m00s); $0.60 a task reaches the project's target of $12.00/h at"
        " the median, $0.80 at the 75th percentile." in text
    )


async def test_without_a_project_target_the_floor_stands_in_and_says_so(bank):
    await five_timed_answers(bank, project="No target")
    cal = await bank.pay_calibration(1, floor_cents=725)
    assert cal.target_cents == 725 and not cal.target_is_projects


async def test_too_few_timings_are_not_calibrated(taskbot, chat, bank):
    await bank.import_batch(tone_batch(3, project=TARGETED), filename="b.jsonl")
    await hold(bank, 3, "submit")
    await taskbot.handle(command(CORA, "tally"))
    text = "\n".join(chat.last("post").card.blocks)
    assert "Batch 1 tone-1: 1 timed answer so far; at least 5 are needed to calibrate pay." in text


async def test_min_timings_and_the_floor_come_from_the_fair_work_settings(bank, chat):
    """`[fair_work] min_timings` decides when pay is calibrated (not a fixed 5), in /batch
    status and the tally alike, and the configured floor stands in for a missing target."""
    roles = Roles(writers=("*",), coordinators=("test:cora",))
    policy = FairWorkPolicy(floor_hourly_cents=1500, min_timings=2)
    bot = Taskbot(BotContext(bank, chat, roles, time_zone="UTC", fair_work=policy))
    await bank.import_batch(tone_batch(4, pay_cents=40, project="No target"), filename="b.jsonl")
    await hold(bank, 3, "submit")
    await bot.handle(command(CORA, "batch", "status", "1"))
    text = "\n".join(chat.last("post").card.blocks)
    assert "1 timed answer so far; at least 2 are needed to calibrate pay." in text
    await hold(bank, 5, "submit")
    await bot.handle(command(CORA, "tally"))
    text = " ".join("\n".join(chat.last("post").card.blocks).split())
    assert "writers make $6.00/h at the median time on task (4m00s)" in text
    assert "$1.00 a task reaches the floor (no project target) of $15.00/h" in text


async def test_one_timing_is_enough_when_so_configured(bank):
    await bank.import_batch(tone_batch(3, pay_cents=40, project=TARGETED), filename="b.jsonl")
    await hold(bank, 2, "submit")
    cal = await bank.pay_calibration(1, min_timings=1)
    assert (cal.median_seconds, cal.p75_seconds, cal.median_hourly_cents) == (120, 120, 1200)
    assert not (await bank.pay_calibration(1)).ready  # the default still asks for five
