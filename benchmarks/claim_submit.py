"""Claim-then-submit throughput and latency through TaskBank, against its SQL floor and a baseline.

Run: python -m benchmarks.claim_submit [--quick] [--million] [--rounds R] [--dir DIR]
     [--store postgresql://…]

In one run it measures, on the same file system and at synchronous=FULL:
- the sequential-commit baseline: one small insert-and-commit transaction per operation;
- the SQL floor: Taskbot's own claim (which returns its task) and submit statements, straight on `sqlite3`
  over the same schema and triggers, grouped as the writer groups them when every writer waits
  (one transaction of W claims, then one of W submits, for W writers, at most 256);
- claim+submit through TaskBank at 1, 50 and 500 concurrent writers;
for a bank of 1,000 tasks (and 1,000,000 with --million), then a tally over many submissions.
Every run does the same number of pairs at every bank size (what a 1,000-task bank holds), after
an untimed warm-up of a few pairs (a bank serving chat is warm), in
`--rounds` rounds (3; 1 with --quick) in which the baseline and the sizes take turns; each row
pools its rounds, so a burst of noise on the shared disk lands on every size alike.
Every bulk load is checkpointed and flushed to disk before anything is timed. `--profile N` prints
where the event loop's thread spends its time in the 50-writer runs.
Taskbot's rate is printed as a share of the floor and of the baseline. Not a test: it asserts
nothing, it reports, and says which targets were met.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sqlite3
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import get_args

from benchmarks.measure import ANSWER, Result, claim_submit, cpu_split, pooled, row
from benchmarks.sqlite_banks import CONFIG, bank_with, baseline, floor, floor_bank, settle_disk
from bot.bootstrap import build_bank
from taskbank.clock import ManualClock, to_micros
from taskbank.models import Period
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.runner import WriterKind


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


async def writer_statements(folder: Path, gold_rate: float) -> tuple[int, int]:
    """How many statements the writer runs for one claim and one submit through TaskBank (its
    trace hook, minus the group's framing; a statement repeats once per trigger it fires), on a
    small bank with the writer thread, whose connection the hook reaches (the statements are the
    same in the writer process)."""
    bank, store, _ = await bank_with(folder, 100, gold_rate, writer="thread")
    seen: list[str] = []
    framing = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")

    def trace(connection: sqlite3.Connection, on: bool) -> None:
        connection.set_trace_callback(seen.append if on else None)

    def count() -> int:
        ran = [s.strip() for s in seen if not s.strip().upper().startswith(framing)]
        seen.clear()
        return len(dict.fromkeys(ran))

    await store.runner.run(lambda connection: trace(connection, True))
    claimed = await bank.claim("statement-counter")
    claims = count()
    await bank.submit(claimed.assignment.id, "statement-counter", ANSWER, "statement-counter")
    submits = count()
    await store.runner.run(lambda connection: trace(connection, False))
    await store.close()
    return claims, submits


async def other_writer_run(
    folder: Path, writer: WriterKind, counts: dict[int, int], gold_rate: float, turn: int
) -> dict[int, Result]:
    """1 and 50 writers through TaskBank with another writer, on a fresh 1,000-task bank."""
    bank, store, _ = await bank_with(folder, 1_000, gold_rate, writer=writer)
    await settle_disk(store.path)
    found = {}
    for writers in (1, 50):
        await claim_submit(bank, writers, writers, f"{writer}-{turn}-{writers}-warm")
        result = await claim_submit(bank, writers, counts[writers], f"{writer}-{turn}-{writers}")
        found[writers] = Result(f"TaskBank, {writers} writers, writer {writer}", result.operations,
                                result.seconds, result.latencies, result.cpu)  # fmt: skip
    await store.close()
    return found


def share_row(result: Result, floor_result: Result, base: Result) -> str:
    return f"{row(result, base)}   {result.rate / floor_result.rate:>6.0%} of floor"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer operations per run")
    parser.add_argument("--million", action="store_true", help="also a bank of 1,000,000 tasks")
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
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile the event loop's thread in the 50-writer runs; print the top N functions",
    )
    parser.add_argument(
        "--writer",
        choices=get_args(WriterKind),
        default="auto",
        help="the SQLite writer TaskBank runs on (default: auto, as `taskbot run` does);"
        " each round also runs 1 and 50 writers on every writer side by side, to compare",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="rounds of every run, the bank sizes taking turns (default 3; with --quick, 1)",
    )
    args = parser.parse_args()
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    if args.store:
        from benchmarks.postgres import run

        await run(args.store, 1000 if args.quick else 4000)
        return
    big = 1_000_000 if args.million else 100_000
    sizes = (1_000, 1_000_000) if args.million else (1_000,)
    # The same work at every bank size, so that p99 compares sizes and nothing else (a longer
    # run meets more WAL checkpoints): what a fresh 1,000-task bank holds, three quarters of its
    # slots (overlap 3), and for one writer three quarters of its tasks (a writer answers each
    # task once). 500 writers then do several pairs each, not one wave and its ramp.
    most = 600 if args.quick else 3000
    smallest = min(sizes)
    counts = {
        1: min(most, smallest * 3 // 4),
        50: min(most, smallest * 3 * 3 // 4),
        500: min(most, smallest * 3 * 3 // 4),
    }
    rounds = args.rounds
    with tempfile.TemporaryDirectory(dir=args.dir) as name:
        folder = Path(name)
        print(f"files in {folder}; durability: WAL, synchronous=FULL")
        print(
            f"pairs per run at 1 / 50 / 500 writers: {counts[1]} / {counts[50]} / {counts[500]};"
            f" {rounds} round(s), the sizes taking turns; each row pools its rounds"
            " (rate = pairs / seconds, percentiles over every pair)"
        )
        print(f"gold: {args.gold_rate:.0%} of tasks, mixed in at that rate")
        print(f"writer: {args.writer}\n")
        runs: dict[tuple[int, int], list[Result]] = {}
        floor_runs: dict[tuple[int, int], list[Result]] = {}
        profiles: list[tuple[str, cProfile.Profile]] = []
        kept: dict[int, tuple[Path, TaskBank, SqliteStore]] = {}
        loads: dict[int, float] = {}
        grouped = dict.fromkeys(sizes, (0, 0))
        bases: list[Result] = []
        # 1 and 50 writers on every writer (the chosen one too), each round, in turns that
        # rotate: like-for-like rows for comparing writers (the rows above follow floor runs).
        kinds: list[WriterKind] = [args.writer] + [
            kind for kind in get_args(WriterKind) if kind != args.writer
        ]
        others: dict[WriterKind, list[dict[int, Result]]] = {kind: [] for kind in kinds}
        statements = dict.fromkeys(sizes, await writer_statements(folder, args.gold_rate))

        def count_groups(tasks: int, store: SqliteStore) -> None:
            transactions, writes = store.group_commit_stats
            grouped[tasks] = (grouped[tasks][0] + transactions, grouped[tasks][1] + writes)

        for turn in range(rounds):
            bases.append(await baseline(folder, most))
            for tasks in sizes:
                # A bank whose slots last every round is loaded once; a small one, per run.
                lasting = tasks * 3 * 3 // 4 >= rounds * (sum(counts.values()) + 101)
                for writers, count in counts.items():
                    if tasks in kept:
                        floor_path, bank, store = kept[tasks]
                    else:
                        floor_path = await floor_bank(folder, tasks)
                        bank, store, loads[tasks] = await bank_with(
                            folder, tasks, args.gold_rate, args.writer
                        )
                        await settle_disk(store.path)
                        if lasting:
                            kept[tasks] = floor_path, bank, store
                    at_floor = await floor(floor_path, writers, count)
                    floor_runs.setdefault((tasks, writers), []).append(at_floor)
                    # Untimed: a bank serving chat is warm (its statements prepared, its lists
                    # and caches filled); a bank loaded a moment ago is not.
                    warm = min(writers, 50)
                    await claim_submit(bank, warm, warm, f"{tasks}-{turn}-{writers}-warm")
                    profile = cProfile.Profile() if args.profile and writers == 50 else None
                    if profile is not None:
                        profile.enable()
                    result = await claim_submit(bank, writers, count, f"{tasks}-{turn}-{writers}")
                    if profile is not None:
                        profile.disable()
                        profiles.append((f"{tasks:,} tasks, {writers} writers", profile))
                    runs.setdefault((tasks, writers), []).append(result)
                    if not lasting:
                        count_groups(tasks, store)
                        await store.close()
                if lasting and turn == rounds - 1:
                    count_groups(tasks, store)
                    await store.close()
            turns = turn % len(kinds)
            for kind in kinds[turns:] + kinds[:turns]:
                found = await other_writer_run(folder, kind, counts, args.gold_rate, turn)
                others[kind].append(found)
            print(f"   round {turn + 1} of {rounds} done")
        base = pooled(bases)
        print(f"\n{'':<40} {'rate':>11} {'p50':>11} {'p99':>11}   vs baseline")
        print(row(base, base))
        results = {key: pooled(found) for key, found in runs.items()}
        besides: dict[tuple[WriterKind, int], Result] = {}
        floors = {key: pooled(found) for key, found in floor_runs.items()}
        for tasks in sizes:
            print(f"-- bank of {tasks:,} tasks (bulk-loaded in {loads[tasks]:.1f} s)")
            claims, submits = statements[tasks]
            print(f"   writer statements: {claims} per claim, {submits} per submit")
            for writers in (1, 50, 500):
                print(row(floors[(tasks, writers)], base))
                print(share_row(results[(tasks, writers)], floors[(tasks, writers)], base))
            transactions, writes = grouped[tasks]
            print(f"   group commit: {writes} writes in {transactions} transactions")
            print(f"   50 writers: {cpu_split(results[(tasks, 50)], floors[(tasks, 50)])}")
            if tasks == smallest:
                for kind, found in others.items():
                    for writers in (1, 50):
                        beside = besides[(kind, writers)] = pooled([f[writers] for f in found])
                        print(share_row(beside, floors[(tasks, writers)], base))
                    print(f"   writer {kind}, 50 writers: {cpu_split(beside, floors[(tasks, 50)])}")
                for kind in kinds[1:]:
                    ratio = besides[(args.writer, 50)].rate / besides[(kind, 50)].rate
                    print(f"   {args.writer} does x{ratio:.2f} the claims+submits per second"
                          f" of {kind} at 50 writers (the rows just above)")  # fmt: skip
        seconds, counted, load = await tally_benchmark(folder, big)
        print(
            f"-- tally over {counted:,} submissions (loaded in {load:.1f} s): {seconds * 1000:.0f} ms"
        )

        for label, profile in profiles:
            print(f"\n-- profile of the event loop's thread, {label} (by own time)")
            pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)

        at_50 = results[(1_000, 50)]
        vs_base = at_50.rate / base.rate
        vs_floor = at_50.rate / floors[(1_000, 50)].rate
        slower = results[(1_000, 500)].rate / at_50.rate
        print("\ntargets (ratios from this run)")
        print(
            f"  50 writers >= 3x the sequential-commit baseline: x{vs_base:.2f}  {_met(vs_base >= 3)}"
        )
        print(f"  50 writers >= 50% of the SQL floor: {vs_floor:.0%}  {_met(vs_floor >= 0.5)}")
        print(f"  500 writers no slower than 50: x{slower:.2f}  {_met(slower >= 0.95)}")
        if args.writer != "thread":
            alone = besides[(args.writer, 1)].percentile(0.5) / besides[("thread", 1)].percentile(
                0.5
            )
            print(f"  1 writer's p50 no worse than on the writer thread (within 5 %, the rows"
                  f" side by side): x{alone:.2f}  {_met(alone <= 1.05)}")  # fmt: skip
        if args.million:
            p99 = results[(big, 50)].percentile(0.99) / at_50.percentile(0.99)
            print(f"  p99 at 1,000,000 tasks <= 1.2x p99 at 1,000: x{p99:.2f}  {_met(p99 <= 1.2)}")
        limit = 0.3 if args.million else 1.0
        print(
            f"  tally over {counted:,} submissions < {limit} s: {seconds:.2f} s  {_met(seconds < limit)}"
        )


def _met(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    asyncio.run(main())
