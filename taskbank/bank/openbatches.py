"""The open batches a claim plans from, kept for a moment so most claims skip reading them.

Only for a store whose claim statement itself refuses everything the list could be stale about
(it says so with `claim_rechecks_access`; SQLite's does). What is cached is what every writer
shares: the open batches in claim order with their project's facts, which never change once
stored (priority, deadline, template, pay, budget cap) — only a batch's state does, and new
batches appear. What a stale list can do, and why none of it is unsafe:

- a batch paused or closed since (here or by another process): its arms find nothing, the
  statement checks the state;
- the writer paused on a batch, or not having accepted its project's terms: the statement checks
  both (the cached entries say neither, so the statement alone decides);
- a budget cap or the live-lease limit: checked by the statement, as always;
- a batch opened or resumed by another process: not tried until the list is read again (at most
  `OPEN_BATCHES_SECONDS` later), so such a writer may get a task from another open batch meanwhile.

Whenever a claim from the cached list finds nothing, TaskBank reads the list afresh for this
writer and tries again, so every refusal a writer hears comes from a fresh read. A change made
through this TaskBank (a new batch, a state change) drops the list at once.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from taskbank.store import BatchCandidate

OPEN_BATCHES_SECONDS = 1.0  # how long a read of the open batches serves claims


class OpenBatches:
    """The last read of the open batches, writer-specific facts cleared, for a short while."""

    def __init__(
        self, seconds: float | None = None, clock: Callable[[], float] | None = None
    ) -> None:
        self._seconds = OPEN_BATCHES_SECONDS if seconds is None else seconds
        self._clock = clock or time.monotonic
        self._kept: list[BatchCandidate] | None = None
        self._read_at = 0.0
        self.generation = 0  # bumped by every `forget`: a read begun before it is not kept

    def current(self) -> list[BatchCandidate] | None:
        """The cached list while it is fresh enough, else None."""
        if self._kept is not None and self._clock() - self._read_at < self._seconds:
            return self._kept
        return None

    def started(self) -> tuple[int, float]:
        """Mark the start of a read: pass the mark to `keep` with what it found."""
        return self.generation, self._clock()

    def keep(self, mark: tuple[int, float], candidates: list[BatchCandidate]) -> None:
        """Cache one writer's fresh read, minus what is theirs alone (the statement checks
        pauses and terms itself); dropped when something changed while it was read."""
        generation, read_at = mark
        if generation != self.generation:
            return
        self._kept = [
            dataclasses.replace(c, needs_terms=False, paused=False) if c.needs_terms or c.paused
            else c
            for c in candidates
        ]  # fmt: skip
        self._read_at = read_at

    def forget(self) -> None:
        """Drop the list (a batch was created or changed state through this bank)."""
        self._kept = None
        self.generation += 1
