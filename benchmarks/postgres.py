"""The PostgreSQL half of the claim/submit benchmark (`python -m benchmarks.postgres URL`).

Baseline: one small INSERT per transaction on raw asyncpg, one at a time. Then, per writer count,
the asyncpg floor (Taskbot's own grouped claim and submit statements straight on asyncpg, see postgres_floor.py) in
one process, and claim+submit through TaskBank at 50 and 500 writers (in total), in 1 and in 4 processes that start together,
each row with the CPU time one claim+submit costs: the server's (the worker processes' own
backends, from /proc/<pid>/stat; background writers and the WAL writer are not counted) and the
client's (the worker processes' own CPU time). On a 2-core machine the CPU figures say more than
a 4-process scaling figure; Taskbot's share of its floor is printed by rate and by CPU cost. The
floor runs first on the same bank (its claims take the bank's first tasks). Everything happens in a throw-away schema that is dropped at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid

import asyncpg

from benchmarks.measure import Result, claim_submit, cpu_seconds, row, settings_for
from benchmarks.postgres_floor import floor
from bot.bootstrap import build_bank
from bot.config import Config
from taskbank.batchfile import ParsedBatch, TaskSpec
from taskbank.store.postgres import PostgresStore

CONFIG = Config.model_validate({})  # the defaults; the benchmark brings its own store
BANK = 100_000
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


async def baseline(url: str, schema: str, operations: int) -> Result:
    connection = await asyncpg.connect(url, server_settings={"search_path": schema})
    await connection.execute(
        "CREATE TABLE baseline (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v TEXT)"
    )
    latencies = []
    start = time.perf_counter()
    for _ in range(operations):
        began = time.perf_counter()
        await connection.execute(
            "INSERT INTO baseline (v) VALUES ('x')"
        )  # autocommit: one transaction
        latencies.append(time.perf_counter() - began)
    seconds = time.perf_counter() - start
    await connection.close()
    return Result("baseline: insert+commit (asyncpg)", operations, seconds, latencies)


async def backend_pids(pool: asyncpg.Pool, size: int) -> list[int]:
    """The server process behind each of the pool's connections (all of them opened now)."""
    held = [await pool.acquire() for _ in range(size)]
    pids = [connection.get_server_pid() for connection in held]
    for connection in held:
        await pool.release(connection)
    return pids


async def worker(
    url: str, schema: str, name: str, writers: int, operations: int, kind: str
) -> None:
    """One process's share: wait for 'go' on stdin, run Taskbot (or, as `kind` 'floor', its
    statements straight on asyncpg), print a JSON result line."""
    size = min(writers, 20)
    if kind == "floor":
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        limit = CONFIG.defaults.max_active_per_writer
        result, server, client = await floor(url, schema, name, writers, operations, size, limit)
    else:
        store = PostgresStore(url, schema=schema, min_size=size, max_size=size)
        await store.open()
        bank = build_bank(CONFIG, store=store)
        backends = await backend_pids(store.pool, size)
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        server, client = sum(map(cpu_seconds, backends)), time.process_time()
        result = await claim_submit(bank, writers, operations, name)
        server, client = sum(map(cpu_seconds, backends)) - server, time.process_time() - client
        await store.close()
    print(
        json.dumps(
            {
                "ops": result.operations,
                "seconds": result.seconds,
                "latencies": result.latencies,
                "server_cpu": server,
                "client_cpu": client,
            }
        ),
        flush=True,
    )


async def in_processes(
    url: str, schema: str, processes: int, writers: int, operations: int, tag: str, kind: str
) -> tuple[Result, float, float]:
    """Run `writers` (in total) across `processes` processes that start together; the result
    with the server's and the client's CPU milliseconds per claim+submit."""
    env = {**os.environ, "PYTHONPATH": PROJECT_ROOT}
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.postgres",
            "--worker",
            url,
            schema,
            f"{tag}-p{i}",
            str(max(1, writers // processes)),
            str(operations // processes),
            kind,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 24,
            env=env,
        )
        for i in range(processes)
    ]
    for child in children:
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"ready"
    start = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write(b"go\n")
        await child.stdin.drain()
    outputs = [json.loads((await child.stdout.readline()).decode()) for child in children]  # type: ignore[union-attr]
    seconds = time.perf_counter() - start
    for child in children:
        await child.wait()
    latencies = [latency for output in outputs for latency in output["latencies"]]
    label = f"{'asyncpg floor' if kind == 'floor' else 'claim+submit'}, {writers} writers, {processes} proc"
    done = sum(o["ops"] for o in outputs)
    server = sum(o["server_cpu"] for o in outputs) * 1000 / max(done, 1)
    client = sum(o["client_cpu"] for o in outputs) * 1000 / max(done, 1)
    return Result(label, done, seconds, latencies), server, client


def cpu_row(measured: tuple[Result, float, float], base: Result) -> str:
    result, server, client = measured
    return f"{row(result, base)}   {server:.2f} + {client:.2f} = {server + client:.2f}"


def share_row(result: Result, cpu: float, at_floor: tuple[Result, float, float]) -> str:
    """Taskbot (1 process) as a share of its floor: by rate, and floor CPU over Taskbot's."""
    floor_cpu = at_floor[1] + at_floor[2]
    return (
        f"   Taskbot, 1 proc, as a share of the floor: {result.rate / at_floor[0].rate:.0%} of its"
        f" rate, {floor_cpu / cpu:.0%} of its CPU cost ({floor_cpu:.2f} ms vs {cpu:.2f} ms)"
    )


async def run(url: str, operations: int) -> None:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        store = PostgresStore(url, schema=schema)
        await store.open()
        bank = build_bank(CONFIG, store=store)
        specs = [TaskSpec(f"t{i}", {"excerpt": f"A: Line {i}.\nB: Reply."}) for i in range(BANK)]
        began = time.perf_counter()
        await bank.create_batch(ParsedBatch(settings_for("pg-bank"), specs))
        load = time.perf_counter() - began
        await store.close()

        base = await baseline(url, schema, operations)
        print(f"PostgreSQL at {url.split('@')[-1]}, schema {schema}; {operations} ops per run\n")
        print(
            f"{'':<40} {'rate':>11} {'p50':>11} {'p99':>11}   vs baseline"
            "   CPU ms per claim+submit: server + client"
        )
        print(row(base, base))
        print(f"-- bank of {BANK:,} tasks (bulk-loaded in {load:.1f} s), overlap 3")
        results = {}
        cpu = {}
        floors = {}
        for writers in (50, 500):
            floors[writers] = await in_processes(
                url, schema, 1, writers, operations, f"f{writers}", "floor"
            )
            print(cpu_row(floors[writers], base))
            for processes in (1, 4):
                measured = await in_processes(
                    url, schema, processes, writers, operations, f"w{writers}p{processes}", "bank"
                )
                results[(writers, processes)] = measured[0]
                cpu[(writers, processes)] = measured[1] + measured[2]
                print(cpu_row(measured, base))
            print(share_row(results[(writers, 1)], cpu[(writers, 1)], floors[writers]))
        share = results[(50, 1)].rate / base.rate
        of_floor = results[(50, 1)].rate / floors[50][0].rate
        scale = results[(50, 4)].rate / results[(50, 1)].rate
        scale_500 = results[(500, 4)].rate / results[(500, 1)].rate
        print("\ntargets")
        print(
            f"  claim+submit at 50 writers, 1 process >= 30% of baseline: {share:.0%}  {'met' if share >= 0.3 else 'MISSED'}"
        )
        print(
            f"  server + client CPU per claim+submit <= 0.6 ms (50 writers, 1 process):"
            f" {cpu[(50, 1)]:.2f} ms  {'met' if cpu[(50, 1)] <= 0.6 else 'MISSED'}"
        )
        print(
            f"  claim+submit at 50 writers, 1 process >= 50% of its asyncpg floor:"
            f" {of_floor:.0%}  {'met' if of_floor >= 0.5 else 'MISSED'}"
        )
        cores = os.cpu_count() or 1
        print(f"\ninformation, not targets: 4 processes on {cores} core(s) share the same CPUs")
        print(f"  4 processes / 1 (50 writers): x{scale:.2f}")
        print(f"  4 processes / 1 (500 writers): x{scale_500:.2f}")
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        url, schema, name, writers, operations, kind = sys.argv[2:8]
        asyncio.run(worker(url, schema, name, int(writers), int(operations), kind))
    else:
        import argparse

        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("store", help="a postgresql:// URL (a throw-away schema is used)")
        parser.add_argument(
            "--quick", action="store_true", help="1,000 operations per run, not 4,000"
        )
        args = parser.parse_args()
        asyncio.run(run(args.store, 1000 if args.quick else 4000))
