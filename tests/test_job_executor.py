"""A scheduler job cancelled by the shutdown before its first step is logged as a stop, not as an
error with a CancelledError traceback (a quick quit of `taskbot run` had printed one)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobexecutor import QuietAsyncIOExecutor


async def job() -> None:
    await asyncio.sleep(0)


async def cancelled_before_it_began(executor: AsyncIOExecutor) -> None:
    scheduler = AsyncIOScheduler(timezone="UTC", executors={"default": executor})
    scheduler.start(paused=True)
    try:
        queued = scheduler.add_job(job, id="tally")
        executor.submit_job(queued, [datetime.now(UTC)])
        executor.shutdown()  # before the loop has run the job's task at all
        for _ in range(3):
            await asyncio.sleep(0)
    finally:
        scheduler.shutdown(wait=False)


@pytest.mark.parametrize(
    ("executor", "error_logged"), [(AsyncIOExecutor, True), (QuietAsyncIOExecutor, False)]
)
async def test_a_job_cancelled_before_it_began_is_logged_as_a_stop(executor, error_logged, caplog):
    caplog.set_level(logging.INFO)
    quiet = executor()
    await cancelled_before_it_began(quiet)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert bool(errors) is error_logged  # the plain executor shows the defect this fixes
    if not error_logged:
        assert any("stopped by the shutdown" in record.getMessage() for record in caplog.records)
        assert "tally" not in quiet._instances  # a later start of the job is not refused
