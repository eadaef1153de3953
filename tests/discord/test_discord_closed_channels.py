"""A channel Discord will not let the bot post in (403 Missing Access 50001: its role cannot see
the review channel; 50013 Missing Permissions): the scheduled QA sample keeps its samples pending
and tells coordinators, once a day, what to do, instead of failing every run with only a log
line."""

from __future__ import annotations

import pytest

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests.discord.test_discord_audit_closed_dms import _answered_by, _writers

REFUSALS = {50001: "Missing Access", 50013: "Missing Permissions"}


def refusal_notices(room) -> list[str]:
    return [
        m["embeds"][0]["description"]
        for m in room.fake.in_channel(room.coordinators)
        if "cannot post in the review channel" in m["embeds"][0]["title"]
    ]


def refuse_next_review_post(room, code: int) -> None:
    body = {"code": code, "message": REFUSALS[code]}
    room.fake.answer_next("POST", f"/channels/{room.reviews}/messages$", body, status=403)


@pytest.mark.parametrize("code", sorted(REFUSALS))
async def test_samples_wait_for_a_review_channel_the_bot_may_not_post_in(room, code):
    await _answered_by(room, _writers(2))
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig())

    # Before: discord.Forbidden, every run, in the log only
    refuse_next_review_post(room, code)
    assert await jobs.run_qa_sample() == 0
    (told,) = refusal_notices(room)
    assert room.reviews in told and "Taskbot's role" in told, told
    assert "2 sample(s) wait" in told, told

    refuse_next_review_post(room, code)
    room.bank.clock.advance(minutes=15)
    assert await jobs.run_qa_sample() == 0
    assert len(refusal_notices(room)) == 1  # once a day

    # Given access, the next run posts both samples
    room.bank.clock.advance(minutes=15)
    assert await jobs.run_qa_sample() == 2
    assert len(room.fake.in_channel(room.reviews)) == 2
