"""Why the SQLite writer thread and the event loop take turns instead of overlapping.

Run: python -m benchmarks.gil_convoy [--pairs N]

The writer thread spends most of its time inside SQLite with the GIL released, so in principle the
event loop could run Python meanwhile. This measures what happens when it does: Taskbot's own
claim and submit statements (the SQL floor of benchmarks.claim_submit, groups of 50) run on one
thread, first alone, then while another thread runs Python without pause (as the loop does while it
turns answers into records), then while that thread runs Python half the time and sleeps the other
half. Every sqlite3 call gives the GIL up and must win it back; a thread running Python keeps it for
up to the interpreter's switch interval (`sys.getswitchinterval()`, 5 ms), so each statement can
wait that long. Not a test: it asserts nothing, it reports, in rates measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.measure import Result
from benchmarks.sqlite_banks import _floor, floor_bank

WRITERS = 50


def busy(stop: threading.Event, duty: float, done: list[int]) -> None:
    """Python work of the loop's kind (JSON in and out) for `duty` of every millisecond."""
    record = {"tone": "tense", "genre": ["noir"], "pacing": 3, "id": 1}
    while not stop.is_set():
        until = time.perf_counter() + 0.001 * duty
        while time.perf_counter() < until:
            json.loads(json.dumps(record))
            done[0] += 1
        if duty < 1:
            time.sleep(0.001 * (1 - duty))


def beside(path: Path, pairs: int, duty: float | None) -> tuple[Result, float]:
    """The floor's rate with a busy thread beside it (none when `duty` is None), and how much work
    the busy thread did a second."""
    stop, done = threading.Event(), [0]
    other = None
    if duty is not None:
        other = threading.Thread(target=busy, args=(stop, duty, done), daemon=True)
        other.start()
    began = time.perf_counter()
    result = _floor(path, WRITERS, pairs)
    seconds = time.perf_counter() - began
    stop.set()
    if other is not None:
        other.join()
    return result, done[0] / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1500, help="claim+submit pairs per run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        # Three slots a task, and every run's writers are new: enough slots for every run.
        path = asyncio.run(floor_bank(Path(name), args.pairs * 2))
        print(
            f"switch interval: {sys.getswitchinterval() * 1000:.1f} ms; {args.pairs} pairs a run\n"
        )
        alone, _ = beside(path, args.pairs, None)
        print(f"{'SQL floor alone':<46} {alone.rate:>8.0f} pairs/s")
        rates = {}
        for duty, label in (
            (0.5, "beside Python half the time"),
            (1.0, "beside Python all the time"),
        ):
            found, work = beside(path, args.pairs, duty)
            rates[duty] = work
            share = found.rate / alone.rate
            print(f"{'SQL floor ' + label:<46} {found.rate:>8.0f} pairs/s   x{share:.2f} alone")
        print(
            "\nThe busy thread meanwhile did "
            f"{rates[1.0]:,.0f} (all the time) and {rates[0.5]:,.0f} (half) JSON round trips a second."
        )


if __name__ == "__main__":
    main()
