"""Ctrl-C in a terminal (SIGINT to the foreground process group) or `systemctl stop` (SIGTERM to
every process of the unit's cgroup) does not reach the writer child: the bot treats both as "stop
taking new work, let work in flight finish within the grace period" (bot/runtime.py), and every
write of the grace period must still be answered. The child had died at once with the signal."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

_BOT = r"""
import asyncio, signal, sys
from datetime import UTC, datetime
from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import tone_batch

async def main():
    store = SqliteStore(sys.argv[1], writer="process")
    await store.open()
    bank = TaskBank(store, clock=ManualClock())
    batch = await bank.import_batch(tone_batch(50), filename="b.jsonl")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):   # as bot/runtime.py does
        loop.add_signal_handler(number, stop.set)
    print("ready", flush=True)
    await stop.wait()
    failures = 0
    for n in range(20):  # work in flight during the grace period
        try:
            await store.claim(f"grace-{n}", [batch.id], {}, datetime(2026, 3, 2, tzinfo=UTC))
        except Exception as error:
            failures += 1
            last = error
        await asyncio.sleep(0.02)
    print("failed", failures, type(last).__name__ if failures else "", flush=True)
    try:
        await store.close()
    except Exception as error:
        print("close:", type(error).__name__, error, flush=True)

asyncio.run(main())
"""


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_to_the_process_group_leaves_the_writer_serving_the_grace(tmp_path, number):
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _BOT,
        str(tmp_path / "g.db"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        start_new_session=True,  # its own group, as a bot started from a shell or by systemd
    )
    assert (await bot.stdout.readline()).strip() == b"ready"
    os.killpg(bot.pid, number)  # what the terminal (Ctrl-C) / systemd (stop) does
    out, err = await bot.communicate()
    assert b"failed 0" in out, (
        "writes during the shutdown grace failed: the child died with the bot's signal\n"
        + err.decode()[-600:]
    )
