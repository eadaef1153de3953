"""How fast Taskbot's Slack app acknowledges /task, against a bare slack-bolt app that only acks.

Run: python -m benchmarks.slack_ack [--requests N] [--concurrency C] [--rounds R] [--base-tree DIR]

In one run: a fake Slack Web API and the load generator live in this process; each app under
test is served by a child process on 127.0.0.1: the bare bolt app (the baseline), Taskbot's on
a SQLite bank, and with `--base-tree` Taskbot's app from another checkout (a base commit) on the
same bank. Each gets the same signed /task requests, C at a time, each from a different writer,
in R rounds that take the apps in turn (the order rotating each round), so the machine's noise
falls on all alike. Printed per round and over all rounds: p50 and p99 ack latency and
throughput, the ratios to the bare app of the same round, how long Taskbot took to deliver
every card (the work done after the ack), and each app's CPU time (all its threads, and its
SQLite writer process if it has one, from /proc)
per request from the first request to the last ack, and for Taskbot from then to the last card.
Not a test: it reports, and says which targets were
met (p99 ack < 100 ms; throughput >= 0.9x the bare app's).

The bare app is configured as Taskbot's is where that changes the path to an ack: bolt runs the
listener before it answers (`process_before_response=True`); `--bare-default` adds a bare app with
bolt's default too (the listener on a task of its own, the ack polled every 10 ms: about 1 ms of
CPU more per request, so a far easier baseline). Both verify Slack's
signature: bolt does in the bare app, Taskbot's `_dispatch` before bolt in Taskbot's.
`--also-writer thread|process|auto` adds Taskbot's app on that SQLite writer (`[database]
writer`; Taskbot's own app runs on the default one). `--profile-apps` runs each app under cProfile and prints where its time went.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pstats
import random
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import tree_cpu_seconds
from benchmarks.slack_load import SECRET, Result, load, load_wrk
from tests.batches import tone_batch
from tests.slack_driver import free_port, wait_until_serving
from tests.slack_fake import BOT_TOKEN, FakeSlack

# -- the apps under test (child processes) --------------------------------------------------


async def serve_bare(port: int, api_url: str, before_response: bool = True) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=before_response,
    )

    @bolt.command("/task")
    async def task(ack):  # type: ignore[no-untyped-def]
        await ack()

    async def dispatch(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", dispatch)
    app.router.add_get("/healthz", lambda _: web.json_response({"ok": True}))
    await _serve(app, port)


async def serve_taskbot(port: int, api_url: str, folder: str, writer: str | None = None) -> None:
    from adapters.slack.app import SlackApp, SlackSecrets
    from bot.bootstrap import build_bank, build_runtime
    from bot.config import Config
    from taskbank.store.sqlite import SqliteStore

    # By default what `taskbot run` uses (all a base tree's app is asked for).
    store = SqliteStore(Path(folder) / "taskbot.db", writer=writer or Config().database.writer)
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
    # As `Runtime.serve` does before it starts the adapters: the start-up heap is frozen, so no
    # garbage collection during the load walks it.
    runtime.settle_heap()
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

    serving = (
        serve_bare(args.port, args.api_url, not args.bare_default)
        if args.serve == "bare"
        else serve_taskbot(args.port, args.api_url, args.folder, args.writer)
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
    kind: str, api_url: str, folder: str, *, tree: str | None = None, options: tuple[str, ...] = ()
) -> tuple[asyncio.subprocess.Process, str]:
    """Serve one app in a child process; `tree`: Taskbot's code from that checkout instead."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": tree} if tree else None
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.slack_ack", "--serve", kind,
        "--port", str(port), "--api-url", api_url, "--folder", folder, *options,
        cwd=tree, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    if await wait_until_serving(base):
        return child, f"{base}/slack/events"
    child.kill()
    raise RuntimeError(f"the {kind} app did not start")


@dataclass
class Contestant:
    kind: str
    label: str
    index: int
    tree: str | None = None
    options: tuple[str, ...] = ()


async def run_one(
    contestant: Contestant, fake: FakeSlack, folder: str, args: argparse.Namespace, round_: int
) -> Result:
    """One app's load in one round; Taskbot's apps are stopped only after every card is out."""
    index = contestant.index  # with the round, a writer prefix of its own
    saved = (
        str(Path(folder) / f"{contestant.kind}-{index}-{round_}.prof")
        if args.profile_apps
        else None
    )
    options = contestant.options + (("--profile", saved) if saved else ())
    child, url = await start_app(
        contestant.kind, fake.api_url, folder, tree=contestant.tree, options=options
    )
    try:
        before = len(fake.messages) + 1  # the warm-up request's card
        writers = f"{round_:02d}{index}"
        loader = load_wrk if args.load == "wrk" else load
        started_cpu = tree_cpu_seconds(child.pid)
        result = await loader(contestant.label, url, fake, args.requests, args.concurrency, writers)
        result.cpu = tree_cpu_seconds(child.pid) - started_cpu
        during = len(fake.messages) - before  # cards out by the last ack
        line = (
            f"  {contestant.label:<28} p50 {result.percentile(0.50):7.1f} ms"
            f"  p99 {result.percentile(0.99):7.1f} ms  {result.rate:8.0f} acks/s"
            f"  CPU {result.cpu * 1000 / args.requests:.2f} ms/ack"
        )
        if contestant.kind == "taskbot":
            started = time.perf_counter()
            for _ in range(2400):  # up to two minutes for the work after the acks
                if len(fake.messages) - before >= args.requests:
                    break
                await asyncio.sleep(0.05)
            delivered = len(fake.messages) - before
            total = result.seconds + time.perf_counter() - started
            result.cards = (delivered, total)
            result.cards_cpu = tree_cpu_seconds(child.pid) - started_cpu - result.cpu
            line += (
                f"\n  {'':<28} cards {delivered:,} in {total:.2f} s ({during:,} during the acks),"
                f" CPU after the last ack {result.cards_cpu * 1000 / args.requests:.2f} ms/card"
            )
        print(line)
    finally:
        child.terminate()
        await child.wait()
    if saved:
        print(f"  profile of {contestant.label}: {saved}")
        pstats.Stats(saved).sort_stats("tottime").print_stats(25)
    return result


async def main(args: argparse.Namespace) -> None:
    contestants = [
        Contestant("bare", "bare bolt app (ack only)", 0),
        Contestant("taskbot", "Taskbot's Slack app", 1),
    ]
    if args.bare_default:
        contestants.append(
            Contestant("bare", "bare app, bolt's default", 3, options=("--bare-default",))
        )
    for index, writer in enumerate(args.other_writers, start=4):
        contestants.append(
            Contestant("taskbot", f"Taskbot, writer {writer}", index, options=("--writer", writer))
        )
    if args.base_tree:
        contestants.append(
            Contestant("taskbot", "Taskbot at the base tree", 2, tree=args.base_tree)
        )
    fake = await FakeSlack().start()
    folder = tempfile.mkdtemp(prefix="taskbot-slack-bench-")
    from taskbank.service import TaskBank
    from taskbank.store.sqlite import SqliteStore

    store = SqliteStore(Path(folder) / "taskbot.db")
    await store.open()
    sent = args.requests + 1 + (args.concurrency if args.load == "wrk" else 0)
    needed = sent * args.rounds * (len(contestants) - 1) + 10
    await TaskBank(store).import_batch(tone_batch(needed), filename="bench.jsonl")
    await store.close()
    print(
        f"{args.requests:,} signed /task requests per app and round, {args.concurrency} at a time,"
        f" over 127.0.0.1, {args.rounds} round(s)"
    )
    results: dict[str, list[Result]] = {c.label: [] for c in contestants}
    for round_ in range(args.rounds):
        print(f"round {round_ + 1}:")
        turn = round_ % len(contestants)
        for contestant in contestants[turn:] + contestants[:turn]:
            results[contestant.label].append(await run_one(contestant, fake, folder, args, round_))
    await fake.stop()
    bare_label = contestants[0].label
    print(
        "over all rounds (latencies pooled; ratios to the bare app, per round: median and range):"
    )
    figures: dict[str, float] = {}
    for contestant in contestants:
        runs = results[contestant.label]
        pooled = Result(
            contestant.label, [x for r in runs for x in r.latencies], sum(r.seconds for r in runs)
        )
        per_ack = sum(r.cpu for r in runs) * 1000 / (args.requests * len(runs))
        line = (
            f"  {contestant.label:<28} p50 {pooled.percentile(0.50):7.1f} ms"
            f"  p99 {pooled.percentile(0.99):7.1f} ms  {pooled.rate:8.0f} acks/s"
            f"  CPU {per_ack:.2f} ms/ack"
        )
        if contestant.kind == "taskbot":
            line += f" + {sum(r.cards_cpu for r in runs) * 1000 / (args.requests * len(runs)):.2f}"
            line += " ms/card after the last ack"
        figures[contestant.label] = pooled.rate
        if contestant.label != bare_label:
            shares = sorted(r.rate / b.rate for r, b in zip(runs, results[bare_label], strict=True))
            p99s = sorted(
                r.percentile(0.99) / b.percentile(0.99)
                for r, b in zip(runs, results[bare_label], strict=True)
            )
            cards = [r.cards for r in runs if r.cards]
            line += (
                f"\n  {'':<28} throughput {statistics.median(shares):.2f}× bare"
                f" ({shares[0]:.2f}–{shares[-1]:.2f}), p99 {statistics.median(p99s):.2f}× bare"
            )
            if cards:
                delivered = sum(c[0] for c in cards)
                line += f", {delivered / sum(c[1] for c in cards):.0f} cards/s to the last card"
            if contestant is contestants[1]:  # Taskbot at this tree
                p99, share = pooled.percentile(0.99), statistics.median(shares)
                figures["p99"], figures["share"] = p99, share
        print(line)
    p99, share = figures["p99"], figures["share"]
    print(
        f"targets: p99 ack < 100 ms: {'met' if p99 < 100 else 'MISSED'} ({p99:.0f} ms); "
        f"throughput >= 0.9× bare: {'met' if share >= 0.9 else 'MISSED'} ({share:.2f}×)"
    )
    print(
        json.dumps(
            {label: round(rate) for label, rate in figures.items() if label not in ("p99", "share")}
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument(
        "--rounds", type=int, default=1, help="rounds taking the apps in turn (order rotating)"
    )
    parser.add_argument(
        "--load",
        choices=("python", "wrk"),
        default="python",
        help="what sends the requests: aiohttp in this process, or wrk (apt-get install wrk)",
    )
    parser.add_argument(
        "--base-tree", help="also serve Taskbot's app from this checkout (e.g. the base commit)"
    )
    parser.add_argument(
        "--bare-default",
        action="store_true",
        help="also a bare app with bolt's default process_before_response=False",
    )
    parser.add_argument(
        "--also-writer",
        dest="other_writers",
        action="append",
        default=[],
        choices=("thread", "process", "auto"),
        help="also Taskbot's app on this SQLite writer ([database] writer); may be repeated",
    )
    parser.add_argument("--writer", help=argparse.SUPPRESS)
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
        asyncio.run(main(args))
