"""The scheduler's executor: a job cancelled by the shutdown before it began is not an error.

`stops_quietly` (scheduler.py) turns a job cancelled mid-run into one log line, but a job whose
task is cancelled before its first step never enters it: APScheduler's asyncio executor then
logs "Error running job" with a CancelledError traceback. That happens when the process stops
moments after a job fell due (a quick quit at start, when the catch-up tally is queued).
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType

from apscheduler.executors.asyncio import AsyncIOExecutor

log = logging.getLogger("taskbot.scheduler")


class QuietAsyncIOExecutor(AsyncIOExecutor):
    """AsyncIOExecutor, with a cancellation at shutdown logged as the stop it is."""

    def _run_job_error(
        self, job_id: str, exc: BaseException, traceback: TracebackType | None = None
    ) -> None:
        if not isinstance(exc, asyncio.CancelledError):
            super()._run_job_error(job_id, exc, traceback)
            return
        with self._lock:  # the base class's bookkeeping of running instances (APScheduler 3)
            self._instances[job_id] -= 1
            if self._instances[job_id] == 0:
                del self._instances[job_id]
        log.info("the %s job was stopped by the shutdown; it resumes on the next start", job_id)
