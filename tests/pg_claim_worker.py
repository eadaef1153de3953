"""A bot-like process for the one-lease tests: on "go" (a line on stdin) it claims for every
writer given, each twice at once, against one PostgreSQL schema, and prints
"writer assignment_id" for each claim.

Usage: python -m tests.pg_claim_worker URL SCHEMA WRITERS MAX_ACTIVE
"""

from __future__ import annotations

import asyncio
import sys

from taskbank.service import Defaults, TaskBank
from taskbank.store.postgres import PostgresStore


async def main(url: str, schema: str, writers: int, max_active: int) -> None:
    store = PostgresStore(url, schema=schema, min_size=8, max_size=8)
    await store.open()
    bank = TaskBank(store, defaults=Defaults(max_active_per_writer=max_active))
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

    async def claim(writer: str) -> str:
        claimed = await bank.claim(writer)
        return f"{writer} {claimed.assignment.id}"

    try:
        names = [f"w{i}" for i in range(writers)]
        lines = await asyncio.gather(*(claim(name) for name in names for _ in range(2)))
    finally:
        await store.close()
    print("\n".join(lines), flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    url, schema, writers, max_active = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    asyncio.run(main(url, schema, writers, max_active))
