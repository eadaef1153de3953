"""What the benchmarks share: the timed claim+submit loop, how a row prints, a process's CPU time.

`claim_submit.py` (SQLite) and `postgres.py` (PostgreSQL) both import it; neither imports the other
at module level, so either runs on its own.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field

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
    # CPU seconds by thread ("loop", "writer", "process"), where the run measured them
    cpu: dict[str, float] = field(default_factory=dict)

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


def tree_cpu_seconds(pid: int) -> float:
    """`cpu_seconds` of a process and every process it started that is still running (an app's
    SQLite writer process, with the app)."""
    total, waiting = 0.0, [pid]
    while waiting:
        current = waiting.pop()
        try:
            total += cpu_seconds(current)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    waiting += [int(child) for child in children.read().split()]
        except FileNotFoundError:  # it ended meanwhile
            continue
    return total


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

    writer_cpu = _writer_cpu(bank)
    loop_cpu, process_cpu = time.thread_time(), time.process_time()
    start = time.perf_counter()
    await asyncio.gather(*(writer(i) for i in range(writers)))
    seconds = time.perf_counter() - start
    cpu = {"loop": time.thread_time() - loop_cpu, "process": time.process_time() - process_cpu}
    if writer_cpu is not None:
        cpu["writer"] = _writer_cpu(bank) - writer_cpu  # type: ignore[operator]
    return Result(f"claim+submit, {writers} writers", len(latencies), seconds, latencies, cpu)


def _writer_cpu(bank: TaskBank) -> float | None:
    """The SQLite writer thread's CPU seconds so far (None for a store without one)."""
    return getattr(bank.store, "writer_cpu_seconds", None)


def row(result: Result, base: Result) -> str:
    return (
        f"{result.label:<40} {result.rate:>9.0f}/s {result.percentile(0.5):>8.2f} ms"
        f" {result.percentile(0.99):>8.2f} ms   x{result.rate / base.rate:>5.2f}"
    )


def pooled(found: list[Result]) -> Result:
    """Several rounds of one run as one: their pairs over their seconds, every latency."""
    return Result(
        found[0].label,
        sum(result.operations for result in found),
        sum(result.seconds for result in found),
        [latency for result in found for latency in result.latencies],
        {name: sum(result.cpu.get(name, 0.0) for result in found) for name in found[0].cpu},
    )


def cpu_split(result: Result, floor: Result | None = None) -> str:
    """Where one pair's time goes: each thread's CPU time per pair beside the wall time per pair.
    When the loop's and the writer's add up to the wall time, the two threads take turns (the
    GIL, and a writer that waits for the loop's next group) rather than overlap."""
    micros = {name: seconds / result.operations * 1e6 for name, seconds in result.cpu.items()}
    wall = result.seconds / result.operations * 1e6
    line = f"loop thread {micros.get('loop', 0):.0f} us"
    if "writer" in micros:
        both = micros["loop"] + micros["writer"]
        line += f" + writer {micros['writer']:.0f} us = {both:.0f} us"
    line += f" of CPU per pair, in {wall:.0f} us of wall time"
    if "process" in micros:
        line += f" (the whole process: {micros['process']:.0f} us)"
    if floor is not None and "writer" in floor.cpu:
        line += f"; the floor's thread: {floor.cpu['writer'] / floor.operations * 1e6:.0f} us"
    return line
