"""Quality figures for a big batch: agreement (alpha per question with 1,000 bootstrap resamples),
per-writer figures and consensus (Dawid–Skene) for 100,000 tasks × overlap 3.

Run: python -m benchmarks.quality [--tasks N] [--dir DIR]

The batch (dialogue_tone: a label, a set of labels, a rating) is answered by 60 simulated writers
of mixed accuracy, loaded straight through SQL. Reported apart, in wall and CPU seconds: the raw
SELECT of the answers (a floor measured in the same run, so figures on a busy machine still
compare), reading them through the store, computing the figures, and both through TaskBank; the
target is read + compute in under 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.measure import settings_for
from bot.bootstrap import build_bank
from bot.config import Config
from taskbank.batchfile import ParsedBatch, TaskSpec
from taskbank.clock import ManualClock, to_micros
from taskbank.quality.report import batch_quality, consensus_of
from taskbank.store.sqlite import SqliteStore
from taskbank.templates import _GENRES, _TONES

CONFIG = Config.model_validate({})
OVERLAP = 3
WRITERS = 60
GOLD_SHARE = 0.01


def simulated_answers(tasks: int, seed: int = 16) -> list[tuple[int, str, str, int | None]]:
    """(task number, writer, answers JSON, gold_correct) for every slot of every task."""
    rng = random.Random(seed)
    accuracy = {f"writer-{i:02d}": rng.uniform(0.45, 0.95) for i in range(WRITERS)}
    names = sorted(accuracy)
    rows = []
    for task in range(tasks):
        tone, genre, pacing = rng.choice(_TONES), rng.sample(_GENRES, 2), rng.randint(1, 5)
        gold = rng.random() < GOLD_SHARE
        for writer in rng.sample(names, OVERLAP):
            right = rng.random() < accuracy[writer]
            answer = {
                "tone": tone if right else rng.choice(_TONES),
                "genre": genre if right else [rng.choice(_GENRES)],
                "pacing": pacing if right else max(1, min(5, pacing + rng.choice((-1, 1)))),
            }
            correct = int(answer["tone"] == tone) if gold else None
            rows.append((task, writer, json.dumps(answer), correct))
    return rows


def load(path: Path, rows: list[tuple[int, str, str, int | None]]) -> None:
    """Assignments and submissions for every row, straight through SQL (triggers and all)."""
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
    task_ids = [row[0] for row in db.execute("SELECT id FROM tasks ORDER BY id")]
    batch_id = db.execute("SELECT id FROM batches").fetchone()[0]
    now = to_micros(ManualClock().now())
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO assignments (id, task_id, batch_id, writer_id, state, claimed_at,"
        " lease_expires_at) VALUES (?, ?, ?, ?, 'active', ?, ?)",
        (
            (i + 1, task_ids[t], batch_id, w, now, now + 1_800_000_000)
            for i, (t, w, _, _) in enumerate(rows)
        ),
    )
    db.executemany(
        "INSERT INTO submissions (assignment_id, task_id, batch_id, writer_id, client_key,"
        " answers_json, submitted_at, seconds_on_task, gold_correct)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 60, ?)",
        (
            (i + 1, task_ids[t], batch_id, w, f"k{i}", a, now + 60_000_000, g)
            for i, (t, w, a, g) in enumerate(rows)
        ),
    )
    gold_tasks = {t for t, _, _, g in rows if g is not None}
    db.executemany(
        "UPDATE tasks SET gold_json = ? WHERE id = ?",
        ((json.dumps({"tone": "tense"}), task_ids[t]) for t in gold_tasks),
    )
    db.execute("COMMIT")
    db.close()


CPU: dict[str, float] = {}


def timed(work, name: str = ""):  # type: ignore[no-untyped-def]
    """Wall seconds (and CPU seconds of this process, in CPU[name]: the machine may be shared)."""
    began, cpu = time.perf_counter(), time.process_time()
    result = work()
    CPU[name] = time.process_time() - cpu
    return result, time.perf_counter() - began


async def main(tasks: int, folder: Path) -> None:
    store = SqliteStore(folder / "quality.db")
    await store.open()
    bank = build_bank(CONFIG, store=store, clock=ManualClock())
    specs = [TaskSpec(f"t{i}", {"excerpt": f"A: Line {i}.\nB: Reply."}) for i in range(tasks)]
    batch = await bank.create_batch(ParsedBatch(settings_for("quality"), specs))
    await store.close()
    rows, made = timed(lambda: simulated_answers(tasks))
    _, loaded = timed(lambda: load(store.path, rows))
    print(
        f"-- {len(rows):,} submissions on {tasks:,} tasks (made {made:.1f} s, loaded {loaded:.1f} s)"
    )
    floor, CPU["floor"] = raw_select(store.path, batch.id)
    store = SqliteStore(store.path)
    await store.open()
    bank = build_bank(CONFIG, store=store, clock=ManualClock())
    batch = await bank.batch(batch.id)
    began, cpu = time.perf_counter(), time.process_time()
    stored = await store.quality_answers(batch.id)
    reviews = await store.review_counts(batch.id)
    read, CPU["read"] = time.perf_counter() - began, time.process_time() - cpu
    quality, computed = timed(
        lambda: batch_quality(batch, stored, reviews, rng=random.Random(1), resamples=1000),
        "compute",
    )
    _, consensus_alone = timed(lambda: consensus_of(batch, stored), "consensus")
    _, no_bootstrap = timed(
        lambda: batch_quality(batch, stored, reviews, rng=random.Random(1), resamples=0),
        "no bootstrap",
    )
    began, cpu = time.perf_counter(), time.process_time()
    await bank.batch_quality(batch.id)
    through_bank, CPU["bank"] = time.perf_counter() - began, time.process_time() - cpu
    await store.close()
    for q in quality.questions:
        print(
            f"  {q.question_id:7} {q.level:8} alpha {q.alpha:.3f} [{q.ci_low:.3f}, {q.ci_high:.3f}]"
            f"  units {q.units:,}  pairable {q.pairable:,}"
        )
    print(f"  tasks needing adjudication: {len(quality.needs_adjudication):,}")
    load_now = os.getloadavg()[0]
    print(
        f"(seconds of wall time and of this process's CPU; load average {load_now:.1f} on"
        f" {os.cpu_count()} cores; 'x floor' is wall over the raw SELECT's wall in this run)"
    )
    rows_out = [
        ("floor: raw SELECT of the answers (sqlite3)", floor, CPU["floor"]),
        ("read through the store (columns cut by SQL)", read, CPU["read"]),
        ("compute: agreement (1,000 resamples), writers, consensus", computed, CPU["compute"]),
        ("  without the bootstrap", no_bootstrap, CPU["no bootstrap"]),
        ("  consensus alone (2 models, 1 vote)", consensus_alone, CPU["consensus"]),
        ("TaskBank.batch_quality: read + compute", through_bank, CPU["bank"]),
    ]
    for name, wall, cpu_seconds in rows_out:
        print(f"{name:58} {wall:5.2f} s wall {cpu_seconds:5.2f} s CPU  x{wall / floor:4.1f} floor")
    verdict = "met" if through_bank < 2 else "MISSED"
    print(f"read + compute under 2 s wall: {verdict}")


def raw_select(path: Path, batch_id: int) -> tuple[float, float]:
    """Wall and CPU seconds of the plainest read of the same answers: the floor of any read."""
    db = sqlite3.connect(path)
    began, cpu = time.perf_counter(), time.process_time()
    db.execute(
        "SELECT task_id, writer_id, answers_json, gold_correct FROM submissions"
        " WHERE batch_id = ? ORDER BY task_id, id",
        (batch_id,),
    ).fetchall()
    found = time.perf_counter() - began, time.process_time() - cpu
    db.close()
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        asyncio.run(main(args.tasks, Path(folder)))
