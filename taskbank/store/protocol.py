"""The storage port: what the TaskBank service needs from a database, by role.

Each role is a small documented protocol in the module of its aggregate — `BatchStore`
(batches.py), `ClaimStore` (claims.py), `SubmissionStore` (submissions.py), `ReviewStore`
(reviews.py), `LedgerStore` (ledger.py), `Outbox` and `Deliveries` (outbox.py), `ReportStore`
(reports.py), `QualityStore` (quality.py), `CopySource`/`CopyTarget` (copy.py); fair work's
shared queries are in fairwork.py. Statements that read the same in both dialects
are written once there, over a tiny per-dialect `Runner` (runner.py); the hot paths (claim,
submit, batch creation), the tally, locks, migrations and copying in are per dialect.

`Store` is every role plus a lifecycle: the one object the service holds. SQLite (embedded) and
PostgreSQL (scale-out) implement it. Every write returns only after its transaction has committed.
"""

from __future__ import annotations

from typing import Protocol

from taskbank.store.batches import BatchStore
from taskbank.store.claims import ClaimStore
from taskbank.store.copy import CopySource
from taskbank.store.ledger import LedgerStore
from taskbank.store.outbox import Deliveries, Outbox
from taskbank.store.quality import QualityStore
from taskbank.store.records import BatchCandidate, BatchProgress, NewSubmission
from taskbank.store.reports import ReportStore
from taskbank.store.reviews import ReviewStore
from taskbank.store.submissions import SubmissionStore

__all__ = ["BatchCandidate", "BatchProgress", "Lifecycle", "NewSubmission", "Store"]


class Lifecycle(Protocol):
    """Opening (migrating) and closing a store, and the one-scheduler-per-database lock."""

    async def open(self) -> None:
        """Connect, and apply any migrations not yet applied."""
        ...

    async def close(self) -> None:
        """Finish queued writes, close connections, give up the scheduler lock."""
        ...

    async def hold_scheduler_lock(self) -> bool:
        """Whether this process runs the scheduler: a lock the database (or the operating
        system) releases when the process dies, so another can take over."""
        ...


class Store(
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
    Protocol,
):
    """Persistence for projects, batches, tasks, assignments, submissions, reviews and the
    ledger: every role in one object."""
