"""Claim+submit with gold mixing on against off, interleaved in one process (SQLite).

Run: python -m benchmarks.gold_mix [--rounds N] [--tasks N] [--writers N] [--gold-rate R]

Two banks on two files in the same folder: one batch without gold (claims in file order, as
before gold mixing) and one whose `gold_rate` share of tasks is gold, mixed in at that rate.
Rounds alternate between them (A B B A …) so the shared machine's noise falls on both alike;
the median of the per-round rate ratios is the figure (the target: at most 5 % slower). CPU
seconds per claim+submit of this process (the SQLite writer thread included) are reported beside
it: on a busy machine they move far less than the wall-clock rate.
Not a test: it asserts nothing, it reports.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.measure import claim_submit
from benchmarks.sqlite_banks import bank_with

PLAIN_INDEX = (
    "CREATE INDEX IF NOT EXISTS tasks_plain_claimable ON tasks (batch_id, id)"
    " WHERE open_slots > 0 AND gold_json IS NULL"
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--operations", type=int, default=400)
    parser.add_argument("--gold-rate", type=float, default=0.05)
    parser.add_argument(
        "--plain-index",
        action="store_true",
        help="first add a partial index of claimable non-gold tasks (a candidate migration)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        plain, plain_store, _ = await bank_with(folder, args.tasks)
        gold, gold_store, _ = await bank_with(folder, args.tasks, args.gold_rate)
        if args.plain_index:
            for store in (plain_store, gold_store):
                with sqlite3.connect(store.path) as db:
                    db.execute(PLAIN_INDEX)
        ratios, rates, cpu_ratios = [], {"off": [], "on": []}, []
        for number in range(args.rounds):
            order = [("off", plain), ("on", gold)]
            if number % 2:
                order.reverse()
            measured, cpu = {}, {}
            for label, bank in order:
                tag = f"r{number}-{label}"
                began = time.process_time()
                result = await claim_submit(bank, args.writers, args.operations, tag)
                cpu[label] = (time.process_time() - began) / max(result.operations, 1) * 1000
                measured[label] = result.rate
                rates[label].append(result.rate)
            ratios.append(measured["on"] / measured["off"])
            cpu_ratios.append(cpu["off"] / cpu["on"])
            print(
                f"round {number + 1:>2}: off {measured['off']:>7.0f}/s {cpu['off']:.2f} ms CPU"
                f"  on {measured['on']:>7.0f}/s {cpu['on']:.2f} ms CPU"
                f"  on/off x{ratios[-1]:.3f} (CPU x{cpu_ratios[-1]:.3f})"
            )
        await plain_store.close()
        await gold_store.close()
    median = statistics.median(ratios)
    print(
        f"\n{args.tasks:,} tasks, {args.writers} writers, gold {args.gold_rate:.0%}:"
        f" median off {statistics.median(rates['off']):.0f}/s, on {statistics.median(rates['on']):.0f}/s;"
        f" on/off median x{median:.3f} ({(1 - median):+.1%} slower)"
        f"  {'met' if median >= 0.95 else 'MISSED'} (target: at most 5% slower)"
    )
    cpu_median = statistics.median(cpu_ratios)
    print(
        f"CPU per claim+submit, off/on median x{cpu_median:.3f} ({(1 - cpu_median):+.1%} more CPU"
        " with gold mixing)"
    )


if __name__ == "__main__":
    asyncio.run(main())
