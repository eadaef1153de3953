"""The composition root: the bank, the bot runtime, the scheduler and the chats, from the config.

`taskbot run`, `taskbot demo`, the tests and the benchmarks all build Taskbot here, each with its
own parts: a store, a clock, a seeded random number generator, adapter options such as the
console's input or a fake environment. Everything else in `bot/` is given what it needs.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from bot.config import Config
from bot.roles import Roles
from bot.runtime import AdapterRunner, Runtime, load_adapter
from taskbank.clock import Clock
from taskbank.errors import Problem, ValidationFailed
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
) -> AsyncIterator[TaskBank]:
    """`build_bank`, with its store opened (migrated) for the block and closed afterwards."""
    if store is None:
        store = open_store(config.database.url, synchronous=config.database.synchronous)
    await store.open()
    try:
        yield build_bank(config, store=store, clock=clock, rng=rng)
    finally:
        await store.close()


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


def adapters(names: Iterable[str]) -> list[AdapterRunner]:
    """The runners of the named adapters, or a refusal naming the one not installed."""
    try:
        return [load_adapter(name) for name in names]
    except LookupError as missing:
        raise ValidationFailed([Problem("file", str(missing), "chat.adapters")]) from None


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
    runners = adapters(config.chat.adapters if names is None else names)
    runtime = build_runtime(config, bank, options=options)
    await runtime.serve(runners, scheduler=scheduler)
    return runtime
