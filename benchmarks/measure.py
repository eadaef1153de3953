"""What the benchmarks share: the timed claim+submit loop, how a row prints, a process's CPU time.

`claim_submit.py` (SQLite) and `postgres.py` (PostgreSQL) both import it; neither imports the other
at module level, so either runs on its own.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

from taskbank.batchsettings import BatchSettings
from taskbank.errors import NothingToClaim
from taskbank.service import TaskBank

ANSWER = {"tone": "tense", "genre": ["noir"], "pacing": 3}


@dataclass
class Result:
    label: str
    operations: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.operations / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settings_for(name: str) -> BatchSettings:
    return BatchSettings.model_validate(
        {
            "project": "Benchmark",
            "name": name,
            "template": "dialogue_tone",
            "pay_cents": 40,
            "overlap": 3,
        }
    )


async def claim_submit(bank: TaskBank, writers: int, operations: int, tag: str) -> Result:
    """`writers` coroutines claim and submit until `operations` pairs are done."""
    latencies: list[float] = []
    remaining = operations

    async def writer(number: int) -> None:
        nonlocal remaining
        name = f"{tag}-w{number}"
        while remaining > 0:
            remaining -= 1
            began = time.perf_counter()
            try:
                claimed = await bank.claim(name)
            except NothingToClaim:
                return
            await bank.submit(
                claimed.assignment.id, name, ANSWER, f"{name}-{claimed.assignment.id}"
            )
            latencies.append(time.perf_counter() - began)

    start = time.perf_counter()
    await asyncio.gather(*(writer(i) for i in range(writers)))
    seconds = time.perf_counter() - start
    return Result(f"claim+submit, {writers} writers", len(latencies), seconds, latencies)


def row(result: Result, base: Result) -> str:
    return (
        f"{result.label:<40} {result.rate:>9.0f}/s {result.percentile(0.5):>8.2f} ms"
        f" {result.percentile(0.99):>8.2f} ms   x{result.rate / base.rate:>5.2f}"
    )
