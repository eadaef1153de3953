"""The composition root: the bank, the bot runtime, the scheduler and the chats, from the config.

`taskbot run`, `taskbot demo`, the tests and the benchmarks all build Taskbot here, each with its
own parts: a store, a clock, a seeded random number generator, adapter options such as the
console's input or a fake environment. Everything else in `bot/` is given what it needs.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.failures import InfrastructureFailure, database_failure
from bot.preflight import checked_runners
from bot.roles import Roles
from bot.runtime import Runtime
from taskbank.clock import Clock
from taskbank.service import TaskBank
from taskbank.store import Store, open_store


def build_bank(
    config: Config,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
) -> TaskBank:
    """A TaskBank on the configured store (or `store`), with the configured defaults."""
    if store is None:
        store = open_store(config.database.url, synchronous=config.database.synchronous)
    return TaskBank(store, clock=clock, rng=rng, defaults=config.bank_defaults())


@asynccontextmanager
async def opened_bank(
    config: Config,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    existing: bool = False,
    serving: bool = False,
) -> AsyncIterator[TaskBank]:
    """`build_bank`, with its store opened (migrated) for the block and closed afterwards;
    `serving` (the bot itself, not a one-shot command) gives SQLite the configured writer.

    A database that cannot be opened raises InfrastructureFailure saying what to do; with
    `existing`, so does a SQLite file not yet created (reading commands create nothing)."""
    path = sqlite_path(config.database.url)
    if existing and store is None and path is not None and not path.exists():
        raise InfrastructureFailure(
            f"there is no database at {path} yet; `taskbot db migrate` creates it and "
            "`taskbot batch import` fills it (or set [database] url to the one you meant)"
        )
    try:
        if store is None:
            store = open_store(
                config.database.url,
                synchronous=config.database.synchronous,
                writer=config.database.writer if serving else "thread",
            )
        await store.open()
    except Exception as error:  # a driver's own errors, turned into one line for a person
        failure = database_failure(error, config.database.url)
        if store is not None:
            with contextlib.suppress(Exception):  # what opened before the failure, closed
                await store.close()
        if failure is None:
            raise
        raise failure from error
    try:
        yield build_bank(config, store=store, clock=clock, rng=rng)
    finally:
        await store.close()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite database URL or path; None for PostgreSQL."""
    if url.startswith(("postgresql://", "postgres://")):
        return None
    return Path(url.removeprefix("sqlite:///"))


def build_runtime(
    config: Config,
    bank: TaskBank,
    *,
    roles: Roles | None = None,
    options: Mapping[str, Any] | None = None,
) -> Runtime:
    """What the adapters share: configuration, bank and roles (`options` reach the adapters:
    e.g. `environ` for tokens, the console's `read_line` and `user`)."""
    return Runtime(config, bank, roles or config.roles.roles(), dict(options or {}))


async def serve(
    config: Config,
    bank: TaskBank,
    names: Iterable[str] | None = None,
    *,
    scheduler: bool = False,
    **options: Any,
) -> Runtime:
    """Run the named chats (the configured ones by default) until they stop; with `scheduler`,
    start the scheduled jobs once every chat has built its bot. SIGTERM and SIGINT stop cleanly."""
    runners = checked_runners(config, names, options.get("environ"))
    runtime = build_runtime(config, bank, options=options)
    await runtime.serve(runners, scheduler=scheduler)
    return runtime
