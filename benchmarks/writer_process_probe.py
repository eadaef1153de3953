"""A probe of a design, not the product: claim+submit with the SQLite writer in its own process.

Run: python -m benchmarks.writer_process_probe [--rounds R] [--pairs N] [--chunk C]

Taskbot's writer is a thread of the bot's process, so it and the event loop share one GIL and take
turns (benchmarks.gil_convoy). This probe moves the writer of the two hot operations — the claim
and the submit, Taskbot's own statements and argument builders — into a child process that runs
each group in one transaction and answers after the commit, as the writer thread does; the event
loop hands it what asked to write every `--chunk` operations (and at the end of each loop turn),
so the child works on one piece while the loop makes the next. Everything else of TaskBank runs
as in the product. It prints both designs' rates, measured in turns in the same run.

What the probe leaves out, and a product writer process would need: every other write operation
in picklable form (today they are closures and generators run on the writer's thread), picklable
rows and errors, a fork server so that opening a store stays cheap, and what happens when the
child dies. Not a test: it asserts nothing, it reports.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import tempfile
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from benchmarks.claim_submit import bank_with, settle_disk
from benchmarks.measure import Result, claim_submit, pooled, row
from taskbank.clock import to_micros
from taskbank.store import rows
from taskbank.store.records import NewSubmission
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.claim import claim_on
from taskbank.store.sqlite.connection import connect_writer
from taskbank.store.sqlite.store import _SUBMIT, submit_params

WRITERS = 50
MAX_GROUP = 256


def serve(path: str, pipe: Connection) -> None:
    """The child: run each group it is sent in one transaction, then answer every operation."""
    db = connect_writer(path, "full")
    while True:
        try:
            group = pipe.recv()
        except EOFError:
            return
        if group is None:
            return
        while pipe.poll() and len(group) < MAX_GROUP:  # what arrived meanwhile joins the group
            more = pipe.recv()
            if more is None:
                break
            group += more
        answers = []
        db.execute("BEGIN IMMEDIATE")
        for number, kind, arguments in group:
            try:
                if kind == "claim":
                    found = claim_on(db, *arguments)
                else:
                    inserted = db.execute(_SUBMIT, arguments).fetchall()
                    found = inserted[0] if inserted else None
                answers.append((number, None if found is None else dict(found), None))
            except Exception as error:  # the caller's error, not the group's
                answers.append((number, None, repr(error)))
        db.execute("COMMIT")
        pipe.send(answers)


class ProcessWriter:
    """The event loop's side: hands operations over in pieces, settles each after the commit."""

    def __init__(self, path: Path, chunk: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.child = context.Process(target=serve, args=(str(path), theirs), daemon=True)
        self.child.start()
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.pipe.fileno(), self._answered)
        self.chunk = chunk
        self.waiting: dict[int, asyncio.Future[Any]] = {}
        self.batch: list[tuple[int, str, Any]] = []
        self.numbers = itertools.count()

    def _answered(self) -> None:
        while self.pipe.poll():
            for number, found, error in self.pipe.recv():
                future = self.waiting.pop(number)
                if error is None:
                    future.set_result(found)
                else:
                    future.set_exception(RuntimeError(error))

    def _hand_over(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            self.pipe.send(batch)

    async def run(self, kind: str, arguments: Any) -> Any:
        number = next(self.numbers)
        future = self.waiting[number] = self.loop.create_future()
        if not self.batch:
            self.loop.call_soon(self._hand_over)
        self.batch.append((number, kind, arguments))
        if len(self.batch) >= self.chunk:
            self._hand_over()
        return await future

    def stop(self) -> None:
        self.loop.remove_reader(self.pipe.fileno())
        self.pipe.send(None)
        self.child.join()


def through(store: SqliteStore, writer: ProcessWriter) -> None:
    """Send this store's claims and submits to the child instead of the writer thread."""

    async def claim(writer_id, batch_ids, caps, now, max_active=1, orders=None):  # type: ignore[no-untyped-def]
        kinds = None if orders is None else list(orders)
        arguments = (writer_id, list(batch_ids), dict(caps), to_micros(now), max_active, kinds)
        found = await writer.run("claim", arguments)
        return None if found is None else rows.claimed(found)

    async def insert_submission(new: NewSubmission, now: datetime):  # type: ignore[no-untyped-def]
        found = await writer.run("submit", submit_params(new, now))
        return rows.submission(found, new.answers), False  # the probe's answers are all new

    store.claim = claim  # type: ignore[method-assign]
    store.insert_submission = insert_submission  # type: ignore[method-assign]


async def one_run(folder: Path, design: str, pairs: int, chunk: int, turn: int) -> Result:
    bank, store, _ = await bank_with(folder, pairs * 2)
    await settle_disk(store.path)
    writer = None
    if design == "process":
        writer = ProcessWriter(store.path, chunk)
        through(store, writer)
    try:
        await claim_submit(bank, WRITERS, WRITERS, f"warm-{turn}")
        result = await claim_submit(bank, WRITERS, pairs, f"run-{turn}")
    finally:
        if writer is not None:
            writer.stop()
        await store.close()
    result.label = f"claim+submit, writer {design}"
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="turns of each design (default 3)")
    parser.add_argument("--pairs", type=int, default=3000, help="pairs per run (default 3000)")
    parser.add_argument("--chunk", type=int, default=10, help="operations per hand-over (10)")
    args = parser.parse_args()
    found: dict[str, list[Result]] = {"thread": [], "process": []}
    with tempfile.TemporaryDirectory() as name:
        for turn in range(args.rounds):
            for design in found:
                found[design].append(
                    await one_run(Path(name), design, args.pairs, args.chunk, turn)
                )
    thread = pooled(found["thread"])
    print(
        f"{WRITERS} writers, {args.pairs} pairs a run, {args.rounds} round(s), WAL, synchronous=FULL"
    )
    print(f"{'':<40} {'rate':>11} {'p50':>11} {'p99':>11}   vs thread")
    for results in found.values():
        print(row(pooled(results), thread))


if __name__ == "__main__":
    asyncio.run(main())
