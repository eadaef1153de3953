"""Each store implements every role protocol, method for method: same names, same parameters,
coroutines where the role awaits. Written once, run against SQLite and PostgreSQL."""

from __future__ import annotations

import inspect

import pytest

from taskbank.store.batches import BatchStore
from taskbank.store.claims import ClaimStore
from taskbank.store.copy import CopySource, CopyTarget
from taskbank.store.ledger import LedgerStore
from taskbank.store.outbox import Deliveries, Outbox
from taskbank.store.protocol import Lifecycle, Store
from taskbank.store.quality import QualityStore
from taskbank.store.reports import ReportStore
from taskbank.store.reviews import ReviewStore
from taskbank.store.submissions import SubmissionStore

ROLES = [
    Lifecycle,
    BatchStore,
    ClaimStore,
    SubmissionStore,
    ReviewStore,
    LedgerStore,
    Outbox,
    Deliveries,
    ReportStore,
    QualityStore,
    CopySource,
]


def members(role: type) -> dict[str, object]:
    return {
        name: value
        for name, value in vars(role).items()
        if not name.startswith("_") and inspect.isfunction(value)
    }


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.__name__)
def test_the_store_implements_the_role_method_for_method(store, role):
    for name, declared in members(role).items():
        implemented = getattr(type(store), name, None)
        assert implemented is not None, f"{type(store).__name__} has no {role.__name__}.{name}"
        assert parameters(implemented) == parameters(declared), f"{name}'s parameters differ"
        assert inspect.iscoroutinefunction(implemented) == inspect.iscoroutinefunction(declared), (
            f"{name} must be awaited the way {role.__name__} says"
        )
        if inspect.isasyncgenfunction(implemented):
            assert not inspect.iscoroutinefunction(declared)


def test_every_role_is_documented_and_the_store_is_every_role():
    assert set(ROLES) <= set(Store.__mro__)
    for role in [*ROLES, CopyTarget]:
        assert role.__doc__
        for name, declared in members(role).items():
            assert declared.__doc__, f"{role.__name__}.{name} needs a docstring"


def test_only_postgresql_takes_a_copy(store):
    takes_copy = callable(getattr(store, "load_copy", None))
    assert takes_copy == (type(store).__name__ == "PostgresStore")
