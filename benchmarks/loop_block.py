"""How long each heavy request path holds the event loop, against a 50 ms target.

Run: python -m benchmarks.loop_block [--quick]

While the loop runs one callback, no other chat request is read, acknowledged or answered, so
the figure that matters is the longest single callback (a task's step between two awaits), not
the total. Every callback on the loop is timed by wrapping `asyncio.events.Handle._run`; each
path runs alone on the loop, so its longest callback is its own.

The paths go through the real pipeline and handlers (`Taskbot.handle` with an in-memory chat
port, a real SQLite bank), as a coordinator would ask for them: `/batch import` of a JSONL file
and of a CSV with its settings at the largest accepted size (`defaults.max_import_mb`, filled
with the shortest tasks, so the most rows), `/batch import` of a feature-length screenplay as
Fountain, FDX and PDF, `/batch export` as JSONL and CSV, and `/tally` with its chart. `--quick`
shrinks the batch files to 5 MB and the answers to 2,000. Not a test: it reports.

`--profile` says what held the GIL while a heartbeat was late: every garbage collection (its
generation, length and the thread and frames that set it off) and every C call that spent 10 ms of CPU time
or more, on any thread, that overlapped a heartbeat more than 20 ms late. It slows the Python code down
(a profile hook on every call), so its lateness figures are not the benchmark's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from benchmarks.loop_watch import GilProfile, LoopWatch
from bot.bootstrap import build_bank
from bot.config import Config
from bot.events import Actor, Attachment, CommandEvent, Place
from bot.runtime import Runtime
from taskbank.store.sqlite import SqliteStore
from tests.fake_chat import FakeChat

TARGET_MS = 50.0
COORDINATOR = Actor("slack", "U0COORD", "coordinator")
COORDINATORS = Place("C0COORDS")
ANSWER = {"tone": "tense", "genre": ["noir"], "pacing": 3}
SETTINGS = {"project": "Loop", "template": "dialogue_tone", "pay_cents": 40, "overlap": 1}


def batch_lines(megabytes: float) -> tuple[bytes, bytes, bytes, int]:
    """A JSONL batch, and the same tasks as CSV plus its settings, of about `megabytes` MB."""
    target = int(megabytes * 1024 * 1024)
    header = json.dumps({"batch": {**SETTINGS, "name": "big-jsonl"}})
    jsonl, csv, size, count = [header], ["id,excerpt"], len(header), 0
    while size < target - 200:
        task_id, excerpt = f"t{count}", f"A: Line {count}. B: Reply."
        line = json.dumps({"id": task_id, "payload": {"excerpt": excerpt}})
        jsonl.append(line)
        csv.append(f"{task_id},{excerpt}")
        size += len(line) + 1
        count += 1
    csv_settings = json.dumps({**SETTINGS, "name": "big-csv"}).encode()
    return ("\n".join(jsonl) + "\n").encode(), ("\n".join(csv) + "\n").encode(), csv_settings, count


def screenplays(pages: int) -> dict[str, bytes]:
    """One feature-length script as Fountain, FDX and PDF (the PDF needs fpdf2)."""
    from benchmarks.screenplay_import import feature_fountain
    from taskbank.screenplay import parse_script
    from taskbank.screenplay.writers import to_fdx, to_pdf

    text = feature_fountain(pages)
    script = parse_script(text.encode(), "feature.fountain")
    return {
        "feature.fountain": text.encode(),
        "feature.fdx": to_fdx(script.elements, script.title, script.page_breaks).encode(),
        "feature.pdf": to_pdf(script.elements, script.title, script.page_breaks),
    }


def command(*args: str, attachments: tuple[Attachment, ...] = ()) -> CommandEvent:
    return CommandEvent(COORDINATOR, COORDINATORS, args[0], tuple(args[1:]), attachments)


async def _opened_store(url: str | None, folder: Path) -> tuple[Any, Callable[[], Any]]:
    """The store to measure, opened: SQLite in `folder`, or PostgreSQL at `url` in a schema of
    its own; and what to call after closing it (the schema dropped)."""
    if url is None:
        store = SqliteStore(folder / "taskbot.db")
        await store.open()
        return store, _nothing
    import asyncpg

    from taskbank.store.postgres import PostgresStore

    schema = f"taskbot_loop_block_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
    finally:
        await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f"DROP SCHEMA {schema} CASCADE")
        finally:
            await connection.close()

    store = PostgresStore(url, schema=schema)
    try:
        await store.open()
    except BaseException:
        await drop()
        raise
    return store, drop


async def _nothing() -> None:
    return None


async def main(
    quick: bool, profile: GilProfile | None, store_url: str | None, only: list[str]
) -> None:
    if profile is not None:
        # Threads started from here on (the store's, the loop's workers) carry the hook.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor())
    folder = Path(tempfile.mkdtemp(prefix="taskbot-loop-"))
    config = Config.model_validate(
        {
            "database": {"url": str(folder / "taskbot.db")},
            "roles": {"writers": ["*"], "coordinators": [COORDINATOR.key]},
        }
    )
    store, dropped = await _opened_store(store_url, folder)
    bank = build_bank(config, store=store, rng=random.Random(1))
    runtime = Runtime(config, bank, config.roles.roles())
    chat = FakeChat()
    bot = runtime.build_bot(chat, "C0REVIEWS", COORDINATORS.channel_id, "slack")
    runtime.settle_heap()  # as Runtime.serve does before the first request
    limit_mb = bank.defaults.max_import_bytes / 1024 / 1024
    megabytes = 5.0 if quick else limit_mb - 0.01
    answers = 2_000 if quick else 20_000
    jsonl, csv, csv_settings, count = batch_lines(megabytes)
    scripts = screenplays(120)
    watch = LoopWatch()
    rows: list[tuple[str, float, float, str, str]] = []

    def selected(label: str) -> bool:
        return not only or any(word.lower() in label.lower() for word in only)

    async def path(label: str, event: CommandEvent, *, needed: bool = False) -> None:
        """Run one request path and note how long it held the loop (unless `--only` leaves it
        out: then it runs, unmeasured, when later paths need what it stores, else not at all)."""
        if not selected(label):
            if needed:
                await bot.handle(event)
            return
        seen = len(chat.sent)
        watch.reset()
        if profile is not None:
            profile.events, profile.active = [], True
        started = time.perf_counter()
        await bot.handle(event)
        seconds = time.perf_counter() - started
        said = [
            s.card.title if s.card else (s.upload.filename if s.upload else s.kind)
            for s in chat.sent[seen:]
        ]
        rows.append(
            (
                label,
                watch.longest * 1000,
                watch.latest * 1000,
                watch.what,
                f"{seconds:.1f} s: {'; '.join(said)[:70]}",
            )
        )
        print(
            f"  {label:<40} {watch.longest * 1000:8.1f} ms, heartbeat {watch.latest * 1000:6.1f} ms late"
            f"  ({rows[-1][4]})",
            flush=True,
        )
        if profile is not None:
            profile.active = False
            for line in profile.explain(watch.late)[:16]:
                print(f"      {line}", flush=True)
        # A real chat port keeps nothing it sent: neither does the fake, between paths (every
        # card kept alive would make each full collection walk it).
        chat.sent.clear()

    print(
        f"batch files of {len(jsonl) / 1024 / 1024:.1f} MB ({count:,} tasks; the limit is {limit_mb:.0f} MB)"
    )
    heartbeat = asyncio.get_running_loop().create_task(watch.heartbeat())
    with watch.installed():
        await path(
            "/batch import, JSONL",
            command("batch", "import", attachments=(Attachment("big.jsonl", jsonl),)),
            needed=True,  # batch 1: the answers below are to its tasks
        )
        await path(
            "/batch import, CSV + settings",
            command(
                "batch",
                "import",
                attachments=(
                    Attachment("big.csv", csv),
                    Attachment("big.settings.json", csv_settings),
                ),
            ),
        )
        for name, data in scripts.items():
            options = ("template=plot_beat", "unit=scene", "pay=40", f"name={name}", "confirm")
            label = f"/batch import, {name.split('.')[1].upper()} ({len(data) // 1024} KB)"
            await path(
                label, command("batch", "import", *options, attachments=(Attachment(name, data),))
            )
        # Answers to export and tally (not measured): one writer each, claim then submit.
        watch_off = time.perf_counter()
        later = ("/batch export 1 jsonl", "/batch export 1 csv", "/tally week")
        for number in range(answers if any(map(selected, later)) else 0):
            claimed = await bank.claim(f"slack:U{number:07d}", batch_id=1)
            await bank.submit(claimed.assignment.id, f"slack:U{number:07d}", ANSWER, f"k{number}")
        print(
            f"  ({answers:,} answers stored in {time.perf_counter() - watch_off:.1f} s, not measured)"
        )
        await path(
            f"/batch export 1 jsonl ({answers:,} answers)", command("batch", "export", "1", "jsonl")
        )
        await path(
            f"/batch export 1 csv ({answers:,} answers)", command("batch", "export", "1", "csv")
        )
        await path(f"/tally week, with its chart ({answers:,} writers)", command("tally", "week"))
    heartbeat.cancel()
    await store.close()
    await dropped()
    print(f"\nlongest loop hold per path (target < {TARGET_MS:.0f} ms):")
    print("| path | longest callback | heartbeat late by | target | callback ended at |")
    print("|---|---|---|---|---|")
    for label, held, late, what, _ in rows:
        verdict = "met" if max(held, late) < TARGET_MS else "MISSED"
        print(f"| {label} | {held:.1f} ms | {late:.1f} ms | {verdict} | {what} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 MB batch files, 2,000 answers")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="say which garbage collections and C calls held the GIL while a heartbeat was late",
    )
    parser.add_argument(
        "--store",
        metavar="URL",
        help="measure on PostgreSQL at URL (in a schema of its own, dropped after); default SQLite",
    )
    parser.add_argument(
        "--only",
        metavar="WORD",
        action="append",
        default=[],
        help="measure only the paths whose label holds WORD (repeatable), e.g. --only tally",
    )
    arguments = parser.parse_args()
    gil = GilProfile() if arguments.profile else None
    with gil.installed() if gil else nullcontext():
        asyncio.run(main(arguments.quick, gil, arguments.store, arguments.only))
