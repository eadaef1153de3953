"""Shared fixtures: a real SQLite store on a temporary file, a manual clock, a seeded bank."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def store(tmp_path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "taskbot.db")
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
def bank(store: SqliteStore, clock: ManualClock) -> TaskBank:
    return TaskBank(store, clock=clock, rng=random.Random(7))
