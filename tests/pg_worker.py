"""A bot-like worker process for the multi-process tests: N concurrent writers claiming and
submitting against one PostgreSQL schema. Prints each acknowledged submission id as it gets it.

Usage: python -m tests.pg_worker URL SCHEMA PROCESS_NAME WRITERS
It prints "ready" once its store is open and its holder's lease taken, then waits for a line on
stdin before its writers start.
"""

from __future__ import annotations

import asyncio
import sys

from taskbank.errors import NothingToClaim
from taskbank.service import TaskBank
from taskbank.store.postgres import PostgresStore

ANSWER = {"tone": "tense", "genre": ["noir"], "pacing": 3}


async def main(url: str, schema: str, name: str, writers: int) -> None:
    store = PostgresStore(url, schema=schema, min_size=4, max_size=16)
    await store.open()
    bank = TaskBank(store)

    async def writer(number: int) -> None:
        me = f"{name}-w{number}"
        while True:
            try:
                claimed = await bank.claim(me)
            except NothingToClaim:
                return
            result = await bank.submit(claimed.assignment.id, me, ANSWER, f"{me}:{claimed.task.id}")
            print(result.submission.id, flush=True)  # acknowledged: the commit is done

    try:
        # One writer keeps a lease through the whole run (answering only at the end), so a
        # process killed mid-run surely leaves a lease behind, however its group commits fall.
        # It claims before any process's writers start: one that started late would find every
        # task taken by the others.
        holder = f"{name}-holder"
        kept = await bank.claim(holder)
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # every process is ready: go
        await asyncio.gather(*(writer(i) for i in range(writers)))
        result = await bank.submit(kept.assignment.id, holder, ANSWER, f"{holder}:{kept.task.id}")
        print(result.submission.id, flush=True)
    finally:
        await store.close()
    print("done", flush=True)


if __name__ == "__main__":
    url, schema, name, writers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    asyncio.run(main(url, schema, name, writers))
