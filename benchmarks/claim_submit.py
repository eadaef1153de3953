"""Claim-then-submit throughput and latency through TaskBank, against a raw SQLite baseline.

Run: python -m benchmarks.claim_submit [--quick] [--dir DIR] [--store postgresql://…]

In one run it measures the baseline (one small insert-and-commit transaction per operation on
raw aiosqlite, same file system and durability settings), then claim+submit at 1, 50 and 500
concurrent writers against banks of 1,000 and 1,000,000 tasks, then a tally over 1,000,000
submissions. Every figure is printed with its ratio to the baseline. Not a test: it asserts
nothing, it reports, and says which targets were met.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.measure import Result, claim_submit, row, settings_for
from bot.bootstrap import build_bank
from bot.config import Config
from taskbank.batchfile import ParsedBatch, TaskSpec
from taskbank.batchsettings import QualitySettings
from taskbank.clock import ManualClock, to_micros
from taskbank.models import Period
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.connection import connect

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
    folder: Path, tasks: int, gold_rate: float = 0.0
) -> tuple[TaskBank, SqliteStore, float]:
    """A fresh bank of `tasks` tasks; returns the bulk-load time too. With a gold rate, that
    share of the tasks is gold (every n-th) and mixed into claims at that rate."""
    store = SqliteStore(folder / f"bank-{tasks}-{time.monotonic_ns()}.db")
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


def fill_submissions(path: Path, count: int, start_micros: int) -> None:
    """Bulk-load `count` tasks, each answered once and half approved, straight through SQL."""
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
    db.execute("SELECT id FROM batches").fetchone()[0]
    span = 7 * 86_400 * 1_000_000
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO assignments (id, task_id, batch_id, writer_id, state, claimed_at, lease_expires_at)"
        " SELECT t.id, t.id, t.batch_id, 'writer-' || (t.id % 200), 'active',"
        " ? + (t.id * 7919) % ?, ? + (t.id * 7919) % ? + 1800000000 FROM tasks AS t",
        (start_micros, span, start_micros, span),
    )
    db.execute(
        "INSERT INTO submissions (assignment_id, task_id, batch_id, writer_id, client_key, answers_json,"
        " submitted_at, seconds_on_task) SELECT a.id, a.task_id, a.batch_id, a.writer_id, 'k' || a.id,"
        " '{}', a.claimed_at + 90000000, 90 FROM assignments AS a",
    )
    db.execute(
        "INSERT INTO reviews (submission_id, reviewer_id, verdict, reviewed_at)"
        " SELECT id, 'rev', 'approved', submitted_at + 1000000 FROM submissions WHERE id % 2 = 0"
    )
    db.execute("COMMIT")
    db.close()


async def tally_benchmark(folder: Path, submissions: int) -> tuple[float, int, float]:
    """Seconds to tally a week holding `submissions` submissions, and the load time."""
    bank, store, _ = await bank_with(folder, submissions)
    await store.close()
    clock = ManualClock()
    start_micros = to_micros(clock.now())
    began = time.perf_counter()
    fill_submissions(store.path, submissions, start_micros)
    load_seconds = time.perf_counter() - began
    store = SqliteStore(store.path)
    await store.open()
    bank = build_bank(CONFIG, store=store, clock=clock)
    period = Period(clock.now(), clock.now() + timedelta(days=8))
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        tally = await bank.tally(period)
        timings.append(time.perf_counter() - began)
    await store.close()
    return min(timings), tally.totals.submitted, load_seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller banks and fewer operations")
    parser.add_argument(
        "--dir", type=Path, help="where the database files go (default: a temp dir)"
    )
    parser.add_argument(
        "--store", help="a postgresql:// URL: benchmark PostgreSQL instead of SQLite"
    )
    parser.add_argument(
        "--gold-rate",
        type=float,
        default=0.0,
        help="make this share of the tasks gold and mix them into claims at that rate",
    )
    args = parser.parse_args()
    if args.store:
        from benchmarks.postgres import run

        await run(args.store, 1000 if args.quick else 4000)
        return
    big = 100_000 if args.quick else 1_000_000
    operations = 600 if args.quick else 3000
    with tempfile.TemporaryDirectory(dir=args.dir) as name:
        folder = Path(name)
        base = await baseline(folder, operations)
        print(f"files in {folder}; durability: WAL, synchronous=FULL; {operations} ops per run")
        print(f"gold: {args.gold_rate:.0%} of tasks, mixed in at that rate\n")
        print(f"{'':<40} {'rate':>11} {'p50':>11} {'p99':>11}   vs baseline")
        print(row(base, base))
        results: dict[tuple[int, int], Result] = {}
        for tasks in (1_000, big):
            bank, store, load = await bank_with(folder, tasks, args.gold_rate)
            print(f"-- bank of {tasks:,} tasks (bulk-loaded in {load:.1f} s)")
            for writers in (1, 50, 500):
                result = await claim_submit(
                    bank, writers, min(operations, tasks * 3 // 4), f"{tasks}-{writers}"
                )
                results[(tasks, writers)] = result
                print(row(result, base))
            transactions, grouped = store.group_commit_stats
            print(f"   group commit: {grouped} writes in {transactions} transactions")
            await store.close()
        seconds, counted, load = await tally_benchmark(folder, big)
        print(
            f"-- tally over {counted:,} submissions (loaded in {load:.1f} s): {seconds * 1000:.0f} ms"
        )

        at_50 = results[(1_000, 50)].rate / base.rate
        p99_ratio = results[(big, 50)].percentile(0.99) / results[(1_000, 50)].percentile(0.99)
        print("\ntargets")
        print(
            f"  claim+submit at 50 writers >= 40% of baseline: {at_50:.0%}  {'met' if at_50 >= 0.4 else 'MISSED'}"
        )
        print(
            f"  p99 at {big:,} tasks <= 1.5x p99 at 1,000: x{p99_ratio:.2f}  {'met' if p99_ratio <= 1.5 else 'MISSED'}"
        )
        print(
            f"  tally over {counted:,} submissions < 1 s: {seconds:.2f} s  {'met' if seconds < 1 else 'MISSED'}"
        )


if __name__ == "__main__":
    asyncio.run(main())
