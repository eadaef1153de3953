"""The batch file's `estimate_minutes` on both stores: bad values are refused naming the field
and line with nothing imported; the menu shows the coordinator's estimate and its rate until the
batch has `min_timings` timed answers, then the median; with no estimate, "not enough answers"."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.app import Taskbot
from bot.fairwork_config import FairWorkConfig
from bot.handlers.context import BotContext
from bot.roles import Roles
from taskbank.errors import ValidationFailed
from taskbank.fairpay import FairWorkPolicy
from tests.batches import tone_batch
from tests.fairwork.conftest import WENDY, command
from tests.fairwork.ledger import hold


@pytest.mark.parametrize("bad", [0, -1, 2000, "abc"])
async def test_a_bad_estimate_is_refused_on_the_header_line_and_nothing_imported(bank, bad):
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(tone_batch(3, estimate_minutes=bad), filename="b.jsonl")
    [problem] = raised.value.problems
    assert problem.location == "b.jsonl:1"
    assert problem.field == "batch.estimate_minutes"
    expected = (
        "expected a number" if bad == "abc" else ("more than 0" if bad <= 0 else "at most 1440")
    )
    assert expected in problem.message
    assert "nothing was imported" in str(raised.value)
    assert await bank.list_batches() == []


@pytest.mark.parametrize("good", [1, 0.5, 1440])
async def test_an_estimate_in_range_is_accepted(bank, good):
    await bank.import_batch(tone_batch(1, estimate_minutes=good), filename="b.jsonl")
    [offer] = await bank.open_work(WENDY.key)
    assert offer.estimate_seconds == round(good * 60)


def menu_line(chat) -> str:
    [line] = chat.last("post").card.blocks[0].splitlines()
    return line


async def test_the_estimate_and_its_rate_show_until_min_timings_then_the_median(
    taskbot, chat, bank
):
    await bank.import_batch(tone_batch(8, pay_cents=40, estimate_minutes=4), filename="a.jsonl")
    await taskbot.handle(command(WENDY, "work"))
    line = menu_line(chat)
    assert "the coordinator's estimate: 4m00s a task (timed answers so far: 0 of 5)" in line
    assert "about $6.00/h" in line  # 40c per 4 minutes
    assert "median" not in line
    for minutes in (1, 2, 3, 4):
        await hold(bank, minutes, "submit", writer="test:otto")
    await taskbot.handle(command(WENDY, "work"))
    line = menu_line(chat)
    assert "the coordinator's estimate: 4m00s a task (timed answers so far: 4 of 5)" in line
    await hold(bank, 5, "submit", writer="test:otto")
    await taskbot.handle(command(WENDY, "work"))
    line = menu_line(chat)
    assert "median time per task 3m00s (5 answers); about $8.00/h" in line
    assert "estimate" not in line


async def test_without_an_estimate_the_menu_says_not_enough_answers(taskbot, chat, bank):
    await bank.import_batch(tone_batch(3, pay_cents=40), filename="a.jsonl")
    await hold(bank, 2, "submit", writer="test:otto")
    await taskbot.handle(command(WENDY, "work"))
    line = menu_line(chat)
    assert "time per task: not enough answers yet (1 of 5)" in line
    assert "rate: not estimated yet" in line


async def test_min_timings_from_the_policy_decides_when_the_median_replaces_the_estimate(
    bank, chat
):
    roles = Roles(writers=("*",), reviewers=(), coordinators=())
    policy = FairWorkPolicy(
        floor_hourly_cents=725, approval_hours=72, appeal_days=14, min_timings=2
    )
    taskbot = Taskbot(BotContext(bank, chat, roles, time_zone="UTC", fair_work=policy))
    await bank.import_batch(tone_batch(4, pay_cents=40, estimate_minutes=4), filename="a.jsonl")
    await hold(bank, 1, "submit", writer="test:otto")
    await taskbot.handle(command(WENDY, "work"))
    assert "(timed answers so far: 1 of 2)" in menu_line(chat)
    await hold(bank, 3, "submit", writer="test:otto")
    await taskbot.handle(command(WENDY, "work"))
    assert "median time per task 2m00s (2 answers); about $12.00/h" in menu_line(chat)


def test_fair_work_min_timings_defaults_to_five_and_refuses_nonsense():
    assert FairWorkConfig().min_timings == 5
    assert FairWorkConfig(min_timings=3).policy(72).min_timings == 3
    for bad in (0, -1, 1001):
        with pytest.raises(ValidationError, match="min_timings"):
            FairWorkConfig(min_timings=bad)
