"""The SQLite benchmarks' shared pieces: a fresh bank, the sequential-commit baseline, and the SQL
floor — Taskbot's own claim and submit statements straight on `sqlite3`, grouped as the writer
groups them (benchmarks.claim_submit and benchmarks.gil_convoy measure against it)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path

from benchmarks.measure import Result, settings_for
from bot.bootstrap import build_bank
from bot.config import Config
from taskbank.batchfile import ParsedBatch
from taskbank.batchsettings import QualitySettings, TaskSpec
from taskbank.clock import ManualClock, to_micros
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.claim import claim_params, claim_sql
from taskbank.store.sqlite.connection import connect, connect_writer
from taskbank.store.sqlite.runner import WriterKind
from taskbank.store.sqlite.store import _SUBMIT

MAX_GROUP = 256  # the writer's own limit on a group

CONFIG = Config.model_validate({})  # the defaults; the benchmark brings its own store


async def baseline(folder: Path, operations: int) -> Result:
    """Raw aiosqlite: one small insert-and-commit transaction per operation, one at a time."""
    connection = await connect(folder / "baseline.db", "full")
    await connection.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
    latencies = []
    start = time.perf_counter()
    for _ in range(operations):
        began = time.perf_counter()
        await connection.execute("BEGIN")
        await connection.execute("INSERT INTO t (v) VALUES ('x')")
        await connection.execute("COMMIT")
        latencies.append(time.perf_counter() - began)
    seconds = time.perf_counter() - start
    await connection.close()
    return Result("baseline: insert+commit", operations, seconds, latencies)


async def bank_with(
    folder: Path, tasks: int, gold_rate: float = 0.0, writer: WriterKind = "thread"
) -> tuple[TaskBank, SqliteStore, float]:
    """A fresh bank of `tasks` tasks; returns the bulk-load time too. With a gold rate, that
    share of the tasks is gold (every n-th) and mixed into claims at that rate."""
    store = SqliteStore(folder / f"bank-{tasks}-{time.monotonic_ns()}.db", writer=writer)
    await store.open()
    bank = build_bank(CONFIG, store=store, clock=ManualClock())
    every = round(1 / gold_rate) if gold_rate else 0
    specs = [
        TaskSpec(
            f"t{i}",
            {"excerpt": f"A: Line {i}.\nB: Reply."},
            gold={"tone": "tense"} if every and i % every == every - 1 else None,
        )
        for i in range(tasks)
    ]
    settings = settings_for(f"bank-{tasks}")
    if gold_rate:
        settings = settings.model_copy(update={"quality": QualitySettings(gold_rate=gold_rate)})
    start = time.perf_counter()
    await bank.create_batch(ParsedBatch(settings, specs))
    return bank, store, time.perf_counter() - start


async def floor_bank(folder: Path, tasks: int) -> Path:
    """A closed bank file for the floor runs of one size (each run claims other writers' slots)."""
    _, store, _ = await bank_with(folder, tasks)
    await store.close()
    await settle_disk(store.path)
    return store.path


async def settle_disk(path: Path) -> None:
    """Fold the bulk load's WAL into the file and flush the file system, so no run pays for the
    write-back of a load made just before it (a million-task load is hundreds of megabytes)."""

    def settle() -> None:
        db = sqlite3.connect(path)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        db.close()
        os.sync()

    await asyncio.to_thread(settle)


async def floor(path: Path, writers: int, operations: int) -> Result:
    """Taskbot's claim and submit statements on raw sqlite3, in the writer's groups."""
    return await asyncio.to_thread(_floor, path, writers, operations)


def _floor(path: Path, writers: int, operations: int) -> Result:
    db = connect_writer(path, "full")
    claim = claim_sql((("any", False),))
    batch = db.execute("SELECT id FROM batches").fetchone()[0]
    group = min(writers, MAX_GROUP)
    now = to_micros(ManualClock().now())
    latencies: list[float] = []
    done = 0
    cpu = time.thread_time()
    start = time.perf_counter()
    while done < operations:
        size = min(group, operations - done)
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        claimed = []
        for number in range(size):
            writer = f"floor-{writers}-w{number}"
            params = claim_params(writer, [batch], {}, now, 1)
            found = db.execute(claim, params).fetchall()[0]  # the task comes back with it
            claimed.append((found["id"], writer, found["task_payload_json"]))
        db.execute("COMMIT")
        db.execute("BEGIN IMMEDIATE")
        for assignment, writer, _ in claimed:
            params = {"assignment": assignment, "writer": writer, "key": f"{writer}-{assignment}",
                      "answers": '{"genre":["noir"],"pacing":3,"tone":"tense"}', "now": now + 1,
                      "gold": None}  # fmt: skip
            db.execute(_SUBMIT, params).fetchall()
        db.execute("COMMIT")
        # Every writer in the group waits for both commits: that is each one's latency.
        latencies += [time.perf_counter() - began] * size
        done += size
    seconds = time.perf_counter() - start
    cpu = time.thread_time() - cpu
    db.close()
    return Result(f"SQL floor, groups of {group}", done, seconds, latencies, {"writer": cpu})
