"""The TaskBank service: the core's one entry point for imports, claims, answers, reviews and pay.

Its methods live by concern in taskbank/bank/ (batches, claims, reviews, money, quality, fair
work); this module composes them over one store, clock and random source.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from datetime import datetime

from taskbank.bank.batches import Batches
from taskbank.bank.claims import Claims
from taskbank.bank.credit import CreditAndPrivacy
from taskbank.bank.fairwork import FairWork
from taskbank.bank.money import Money
from taskbank.bank.quality import Quality
from taskbank.bank.reviews import Reviews
from taskbank.bank.values import Defaults, PostState, ReviewOutcome
from taskbank.clock import Clock, SystemClock
from taskbank.models import Batch, Project, Task
from taskbank.quality_flow import QualityFlow
from taskbank.store import Store

__all__ = ["Defaults", "PostState", "ReviewOutcome", "TaskBank"]


class TaskBank(Batches, Claims, Reviews, Money, Quality, FairWork, CreditAndPrivacy):
    """Imports batches, hands out tasks, takes answers and reviews, and keeps the ledger."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        defaults: Defaults | None = None,
    ) -> None:
        self._store = store
        self._clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.defaults = defaults or Defaults()
        self._batches: dict[int, Batch] = {}
        self._projects: dict[int, Project] = {}
        self._tasks: OrderedDict[int, Task] = OrderedDict()
        # Who holds each recently claimed assignment, and which task: fixed for its life, so a
        # submit in this process needs no lookup (its state is checked by the insert itself).
        self._assignments: OrderedDict[int, tuple[str, int, int]] = OrderedDict()
        self._quality = QualityFlow(store, self.rng, self.defaults.quality)

    @property
    def store(self) -> Store:
        """The storage behind the bank: for taskbank/ and tests only. Callers outside the core use
        the bank's own methods (nothing in bot/ or adapters/ reaches past them)."""
        return self._store

    @property
    def clock(self) -> Clock:
        """The bank's clock: for taskbank/ and tests only (callers ask `now()`)."""
        return self._clock

    def now(self) -> datetime:
        """The current instant on the bank's clock (timezone-aware UTC)."""
        return self._clock.now()

    def migrations_applied(self) -> list[int]:
        """The schema versions this process applied when it opened the database."""
        return list(getattr(self.store, "migrations_applied", []))
