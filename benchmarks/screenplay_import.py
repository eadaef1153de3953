"""Screenplay import speed: a 120-page feature imported as scene tasks from Fountain, FDX and PDF.

Run: python -m benchmarks.screenplay_import [--pages 120] [--dir DIR]

The feature is made by repeating the bundled sample scripts (scene numbers running on) until it
prints to the wanted pages; its PDF is made with the same layout (this needs fpdf2, a development
dependency). Each import (the median of three) goes through `TaskBank.import_script` into a fresh SQLite bank: parsing,
cutting into units, checking every task and storing the batch. The baseline, measured in the same
run, imports the same tasks from a JSONL batch file through `TaskBank.import_batch`, so the ratio
is the cost of reading a screenplay over reading tasks already cut. Targets: Fountain under 2 s,
PDF under 10 s. Not a test: it asserts nothing, it reports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from taskbank.sample_scripts import SCRIPT_NAMES, script_file
from taskbank.screenplay import parse_script
from taskbank.screenplay.writers import to_fdx, to_pdf
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore

SETTINGS = {"project": "Benchmark", "name": "feature", "template": "plot_beat", "pay_cents": 40}


def feature_fountain(pages: int) -> str:
    """The sample scripts' bodies repeated until the script prints to `pages` pages."""
    bodies = []
    for name in SCRIPT_NAMES:
        text = script_file(f"{name}.fountain").read_text(encoding="utf-8")
        bodies.append(text.split("\n\n", 1)[1])  # drop the title page
    chunks = ["Title: A Feature for Benchmarks\nAuthor: the Taskbot project\n"]
    while True:
        chunks.append(bodies[len(chunks) % len(bodies)])
        text = "\n\n".join(chunks)
        if parse_script(text.encode(), "feature.fountain").page_count >= pages:
            return text


async def timed_import(folder: Path, label: str, run, repeat: int = 3) -> tuple[float, int]:
    """The median of `repeat` imports, each into a fresh bank; and how many tasks it stored."""
    runs = [await _timed_once(folder, label, run) for _ in range(repeat)]
    return statistics.median(seconds for seconds, _ in runs), runs[0][1]


async def _timed_once(folder: Path, label: str, run) -> tuple[float, int]:
    store = SqliteStore(folder / f"{label}-{uuid.uuid4().hex[:8]}.db")  # a fresh bank each run
    await store.open()
    try:
        bank = TaskBank(store)
        start = time.perf_counter()
        count = await run(bank)
        return time.perf_counter() - start, count
    finally:
        await store.close()


async def main(pages: int, folder: Path) -> None:
    fountain = feature_fountain(pages)
    script = parse_script(fountain.encode(), "feature.fountain")
    files = {
        "feature.fountain": fountain.encode(),
        "feature.fdx": to_fdx(script.elements, script.title, script.page_breaks).encode(),
        "feature.pdf": to_pdf(script.elements, script.title, script.page_breaks),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    print(
        f"feature: {script.page_count} pages, {len(script.scenes)} scenes, "
        f"{len(script.elements)} elements; PDF {len(files['feature.pdf']):,} bytes"
    )

    def script_import(name: str):
        async def run(bank: TaskBank) -> int:
            result = await bank.import_script([folder / name], settings=SETTINGS, unit="scene")
            return len(result.plan.parsed.tasks)

        return run

    # The baseline: the same tasks, already cut, as a JSONL batch file.
    plan = (
        await TaskBank(SqliteStore(folder / "unused.db")).import_script(
            [("feature.fountain", files["feature.fountain"])],
            settings=SETTINGS,
            unit="scene",
            dry_run=True,
        )
    ).plan
    lines = [json.dumps({"batch": {**SETTINGS, "name": "feature-jsonl"}})]
    lines += [json.dumps({"id": t.external_id, "payload": t.payload}) for t in plan.parsed.tasks]
    (folder / "feature.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    async def jsonl_import(bank: TaskBank) -> int:
        batch = await bank.import_batch(folder / "feature.jsonl")
        return (await bank.batch_progress(batch.id)).tasks

    baseline, tasks = await timed_import(folder, "jsonl", jsonl_import)
    print(f"{'baseline: the same tasks as JSONL':<36} {baseline:7.3f} s  {tasks} tasks  1.00")
    targets = {"feature.fountain": 2.0, "feature.fdx": None, "feature.pdf": 10.0}
    for name, target in targets.items():
        seconds, count = await timed_import(folder, name.replace(".", "-"), script_import(name))
        verdict = (
            ""
            if target is None
            else f"  target < {target:.0f} s: " + ("met" if seconds < target else "NOT MET")
        )
        print(
            f"{'scene tasks from ' + name:<36} {seconds:7.3f} s  {count} tasks  "
            f"{seconds / baseline:5.2f}{verdict}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--dir", type=Path, default=None, help="Where to write the files.")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        asyncio.run(main(arguments.pages, arguments.dir or Path(scratch)))
