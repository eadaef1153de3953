"""How fast Taskbot's Slack app acknowledges /task, against a bare slack-bolt app that only acks.

Run: python -m benchmarks.slack_ack [--requests N] [--concurrency C]

In one run: a fake Slack Web API and the load generator live in this process; each app under
test is served by a child process on 127.0.0.1 (the bare bolt app first, as the baseline, then
Taskbot's on a fresh SQLite bank). Both get the same signed /task requests, C at a time, each from
a different writer. Printed: p50 and p99 ack latency and throughput for both, their ratios, and
how long Taskbot took to deliver every card (the work done after the ack). Not a test: it
reports, and says which targets were met (p99 ack < 100 ms; throughput >= 0.9x the bare app's).
`--profile-apps` runs each app under cProfile and prints where its time went.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pstats
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.batches import tone_batch
from tests.slack_driver import free_port, wait_until_serving
from tests.slack_fake import BOT_TOKEN, FakeSlack, payloads, signing

SECRET = "benchmark-signing-secret"


@dataclass
class Result:
    label: str
    latencies: list[float]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


# -- the apps under test (child processes) --------------------------------------------------


async def serve_bare(port: int, api_url: str) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url), signing_secret=SECRET)

    @bolt.command("/task")
    async def task(ack):  # type: ignore[no-untyped-def]
        await ack()

    async def dispatch(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", dispatch)
    app.router.add_get("/healthz", lambda _: web.json_response({"ok": True}))
    await _serve(app, port)


async def serve_taskbot(port: int, api_url: str, folder: str) -> None:
    from adapters.slack.app import SlackApp, SlackSecrets
    from bot.bootstrap import build_bank, build_runtime
    from bot.config import Config
    from taskbank.store.sqlite import SqliteStore

    store = SqliteStore(Path(folder) / "taskbot.db")
    await store.open()
    config = Config.model_validate(
        {
            "database": {"url": str(Path(folder) / "taskbot.db")},
            "slack": {
                "api_url": api_url,
                "review_channel": "C0REVIEWS",
                "coordinator_channel": "C0COORDS",
            },
        }
    )
    bank = build_bank(config, store=store, rng=random.Random(1))
    runtime = build_runtime(config, bank)
    slack = SlackApp(runtime.build_bot, config, SlackSecrets(BOT_TOKEN, SECRET))
    await _serve(slack.web_app(), port)


async def _serve(app, port: int) -> None:  # type: ignore[no-untyped-def]
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


def serve_child(args: argparse.Namespace) -> None:
    """Serve one app until terminated; with --profile, under cProfile, saved on SIGTERM."""
    import signal

    serving = (
        serve_bare(args.port, args.api_url)
        if args.serve == "bare"
        else serve_taskbot(args.port, args.api_url, args.folder)
    )
    if not args.profile:
        asyncio.run(serving)
        return
    import cProfile

    profiler = cProfile.Profile()

    def stop(*_: object) -> None:
        profiler.disable()
        profiler.dump_stats(args.profile)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    profiler.enable()
    asyncio.run(serving)


# -- the load (this process) -----------------------------------------------------------------


async def start_app(
    kind: str, api_url: str, folder: str, profile: str | None = None
) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    extra = ("--profile", profile) if profile else ()
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.slack_ack", "--serve", kind,
        "--port", str(port), "--api-url", api_url, "--folder", folder, *extra,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    if await wait_until_serving(base):
        return child, f"{base}/slack/events"
    child.kill()
    raise RuntimeError(f"the {kind} app did not start")


async def load(label: str, url: str, fake: FakeSlack, requests: int, concurrency: int) -> Result:
    bodies = []
    for n in range(requests):
        user = f"U{n:08d}"
        response_url = fake.issue_response_url(user, "C0WRITERS")
        bodies.append(payloads.slash_command("/task", "", user, "C0WRITERS", response_url))
    latencies: list[float] = []
    failures: list[int] = []
    queue = iter(bodies)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        # One request first, so bolt's one-time auth.test is not in the figures.
        warmup = fake.issue_response_url("U0WARMUP", "C0WRITERS")
        await _one(
            session,
            url,
            payloads.slash_command("/task", "", "U0WARMUP", "C0WRITERS", warmup),
            [],
            [],
        )

        async def worker() -> None:
            for body in queue:
                await _one(session, url, body, latencies, failures)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    if failures:
        print(f"  {label}: {len(failures)} requests failed (statuses {sorted(set(failures))})")
    return Result(label, latencies, seconds)


async def _one(session, url, body, latencies, failures) -> None:  # type: ignore[no-untyped-def]
    headers = {**signing.sign(SECRET, body), "Content-Type": "application/x-www-form-urlencoded"}
    started = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as answer:
        await answer.read()
        if answer.status != 200:
            failures.append(answer.status)
    latencies.append(time.perf_counter() - started)


async def main(requests: int, concurrency: int, profile: bool = False) -> None:
    fake = await FakeSlack().start()
    folder = tempfile.mkdtemp(prefix="taskbot-slack-bench-")
    from taskbank.service import TaskBank
    from taskbank.store.sqlite import SqliteStore

    store = SqliteStore(Path(folder) / "taskbot.db")
    await store.open()
    await TaskBank(store).import_batch(tone_batch(requests + 10), filename="bench.jsonl")
    await store.close()
    print(f"{requests:,} signed /task requests, {concurrency} at a time, over 127.0.0.1")
    results = []
    for kind, label in (("bare", "bare bolt app (ack only)"), ("taskbot", "Taskbot's Slack app")):
        saved = str(Path(folder) / f"{kind}.prof") if profile else None
        child, url = await start_app(kind, fake.api_url, folder, saved)
        try:
            before = len(fake.messages) + 1  # the warm-up request's card
            result = await load(label, url, fake, requests, concurrency)
            results.append(result)
            print(
                f"  {label:<26} p50 {result.percentile(0.50):7.1f} ms  p99 {result.percentile(0.99):7.1f} ms"
                f"  {result.rate:8.0f} acks/s"
            )
            if kind == "taskbot":
                started = time.perf_counter()
                for _ in range(2400):  # up to two minutes for the work after the acks
                    if len(fake.messages) - before >= requests:
                        break
                    await asyncio.sleep(0.05)
                delivered = len(fake.messages) - before
                total = result.seconds + time.perf_counter() - started
                print(
                    f"  cards delivered: {delivered:,} of {requests:,}; all work done "
                    f"{total:.2f} s after the first request ({delivered / total:.0f} cards/s)"
                )
        finally:
            child.terminate()
            await child.wait()
        if saved:
            print(f"  profile of the {kind} app: {saved}")
            pstats.Stats(saved).sort_stats("tottime").print_stats(25)
    bare, taskbot = results
    share = taskbot.rate / bare.rate
    print(
        f"ratios (Taskbot / bare): throughput {share:.2f}×, "
        f"p50 {taskbot.percentile(0.5) / bare.percentile(0.5):.2f}×, "
        f"p99 {taskbot.percentile(0.99) / bare.percentile(0.99):.2f}×"
    )
    p99 = taskbot.percentile(0.99)
    print(
        f"targets: p99 ack < 100 ms: {'met' if p99 < 100 else 'MISSED'} ({p99:.0f} ms); "
        f"throughput >= 0.9× bare: {'met' if share >= 0.9 else 'MISSED'} ({share:.2f}×)"
    )
    print(json.dumps({"bare_rate": round(bare.rate), "taskbot_rate": round(taskbot.rate)}))
    await fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument(
        "--profile-apps", action="store_true", help="run each app under cProfile and print its top"
    )
    parser.add_argument("--serve", choices=("bare", "taskbot"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child(args)
    else:
        os.environ.setdefault("PYTHONUNBUFFERED", "1")
        asyncio.run(main(args.requests, args.concurrency, args.profile_apps))
