"""Only one process runs the scheduled jobs; when it dies another takes over."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from bot.leader import SchedulerLeader
from taskbank.service import TaskBank


async def test_one_store_leads_and_another_takes_over_when_it_closes(make_store):
    first, second = make_store(), make_store()
    await first.open()
    await second.open()
    started: list[str] = []
    try:
        leader = SchedulerLeader(
            TaskBank(first).hold_scheduler_lock, lambda: started.append("first")
        )
        follower = SchedulerLeader(
            TaskBank(second).hold_scheduler_lock, lambda: started.append("second")
        )
        assert await leader.tick() is True
        assert await follower.tick() is False
        assert await leader.tick() is True  # holding it is idempotent: started once
        assert started == ["first"]
        await first.close()  # the leader goes away: its lock goes with it
        assert await follower.tick() is True
        assert started == ["first", "second"]
    finally:
        await second.close()


def test_a_killed_leaders_sqlite_lock_is_released_by_the_system(tmp_path):
    script = textwrap.dedent(f"""
        import asyncio, os, sys
        from taskbank.store.sqlite import SqliteStore
        async def main():
            store = SqliteStore({str(tmp_path / "db.sqlite")!r})
            await store.open()
            print(await store.hold_scheduler_lock(), flush=True)
            sys.stdin.readline()
            os._exit(9)  # dies without closing anything
        asyncio.run(main())
    """)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    holder = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )

    def contend() -> subprocess.CompletedProcess[str]:
        """Another process trying for the lock, then exiting."""
        return subprocess.run(
            [sys.executable, "-c", script],
            input="\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    try:
        assert holder.stdout.readline().strip() == "True"
        contender = contend()
        assert contender.stdout.strip() == "False"
        holder.kill()
        holder.wait(timeout=10)
        after = contend()
        assert after.stdout.strip() == "True"
    finally:
        holder.kill()
