"""The embedded store: SQLite, WAL, group commit on the writer's thread, one statement per claim.

The statements both dialects share live with their aggregates (taskbank/store/*.py) and run over
`SqliteRunner`; this module holds SQLite's own: batch creation, the claim, the submit, the tally,
the scheduler lock and the copy source's column list.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskbank.batchsettings import BatchSettings, TaskSpec
from taskbank.clock import to_micros
from taskbank.models import Assignment, Batch, Submission, Tally, Task
from taskbank.store import batchrows, rows
from taskbank.store.batches import Batches
from taskbank.store.claims import Claims
from taskbank.store.copy import CopyReads
from taskbank.store.credit import CreditQueries
from taskbank.store.ledger import Ledger
from taskbank.store.outbox import Posts
from taskbank.store.records import NewSubmission
from taskbank.store.reports import Reports
from taskbank.store.reviews import Reviews
from taskbank.store.sqlite import quality
from taskbank.store.sqlite.connection import Synchronous
from taskbank.store.sqlite.fairwork import SqliteFairWork
from taskbank.store.sqlite.quality_flow import SqliteQualityFlow, _store_quality
from taskbank.store.sqlite.runner import SqliteRunner, run_steps
from taskbank.store.submissions import Submissions, answered_before

if TYPE_CHECKING:
    from taskbank.quality.answers import StoredAnswers

# One writer connection runs every write one after another, so the lease count in the claim's own
# statement is exact: no other claim can commit between the count and the insert. Each kind of
# task a claim tries (gold mixing: gold first or ordinary first) is one arm of a UNION ALL
# under LIMIT 1, so SQLite stops at the first arm that finds a task; still one statement.
_CLAIM = """
INSERT INTO assignments (task_id, batch_id, writer_id, state, claimed_at, lease_expires_at)
{arms}
LIMIT 1
RETURNING *
"""
_CLAIM_ARM = """
SELECT task_id, batch_id, :writer, 'active', :now, :now + lease_seconds * 1000000 FROM (
SELECT t.id AS task_id, t.batch_id, b.lease_seconds
FROM batches AS b JOIN tasks AS t ON t.batch_id = b.id
WHERE b.id = :batch AND b.state = 'open' AND t.open_slots > 0 {kind}
  AND (b.deadline IS NULL OR b.deadline > :now)
  AND (SELECT count(*) FROM assignments AS held
       WHERE held.writer_id = :writer AND held.state = 'active') < :max_active
  AND NOT EXISTS (
      SELECT 1 FROM assignments AS mine WHERE mine.task_id = t.id AND mine.writer_id = :writer)
  {budget}
ORDER BY t.id
LIMIT 1)
"""
_KIND_FILTER = {
    "any": "",
    "gold": "AND t.gold_json IS NOT NULL",
    "plain": "AND t.gold_json IS NULL",
}


def _claim_sql(order: str, budget: bool) -> str:
    """The claim statement for one batch: an arm per kind of task, tried in `order`."""
    arms = [
        _CLAIM_ARM.format(kind=_KIND_FILTER[kind], budget=_WITHIN_BUDGET if budget else "")
        for kind in order.split(",")
    ]
    return _CLAIM.format(arms="UNION ALL".join(arms))


# Money already paid for the project plus every claim that may still be paid, plus this one.
_WITHIN_BUDGET = """
  AND (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger AS l
       JOIN batches AS lb ON lb.id = l.batch_id WHERE lb.project_id = b.project_id)
    + (SELECT coalesce(sum(ab.pay_cents), 0) FROM assignments AS a
       JOIN batches AS ab ON ab.id = a.batch_id
       LEFT JOIN submissions AS s ON s.assignment_id = a.id
       WHERE ab.project_id = b.project_id AND (a.state = 'active' OR s.status = 'pending'))
    + b.pay_cents <= :cap
"""

# An answer is taken while the lease runs, whatever happened to the batch meanwhile (a lease taken
# before a pause, a close or the deadline may be finished); a late one only while the batch is
# open and nobody has taken the slot.
_SUBMIT = """
INSERT INTO submissions (assignment_id, task_id, batch_id, writer_id, client_key, answers_json,
                         submitted_at, seconds_on_task, gold_correct)
SELECT a.id, a.task_id, a.batch_id, a.writer_id, :key, :answers, :now,
       max(0, (:now - a.claimed_at) / 1000000), :gold
FROM assignments AS a JOIN tasks AS t ON t.id = a.task_id JOIN batches AS b ON b.id = a.batch_id
WHERE a.id = :assignment AND a.writer_id = :writer
  AND (a.state = 'active' OR (a.state = 'expired' AND t.open_slots > 0))
  AND (a.lease_expires_at > :now OR (b.state = 'open' AND (b.deadline IS NULL OR b.deadline > :now)))
ON CONFLICT DO NOTHING
RETURNING *
"""


class SqliteStore(
    Batches,
    Claims,
    Submissions,
    Reviews,
    Ledger,
    Posts,
    Reports,
    CopyReads,
    SqliteQualityFlow,
    SqliteFairWork,
    CreditQueries,
):
    """The Store protocol on one SQLite file: a writer connection with group commit, readers."""

    def __init__(self, path: Path | str, *, synchronous: Synchronous = "full") -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        self.runner = SqliteRunner(self.path, synchronous)
        self._leader_lock: Any = None
        self.migrations_applied: list[int] = []

    # -- lifecycle -------------------------------------------------------------------------

    async def open(self) -> None:
        """Open (creating if needed) the file, apply migrations, start group commit."""
        await self.runner.open()
        assert self.runner.writer is not None
        # Kept for `taskbot db migrate` to say what it applied.
        self.migrations_applied = self.runner.writer.migrations_applied

    async def hold_scheduler_lock(self) -> bool:
        """Whether this process runs the scheduler: it holds an exclusive lock on a file beside the
        database, which the operating system releases if the process dies."""
        if self._leader_lock is None:
            lock_path = Path(f"{self.path}.scheduler-lock")
            self._leader_lock = await asyncio.to_thread(_try_file_lock, lock_path)
        return self._leader_lock is not None

    async def close(self) -> None:
        """Finish queued writes and close the connections."""
        if self._leader_lock is not None:
            self._leader_lock.close()
            self._leader_lock = None
        await self.runner.close()

    async def __aenter__(self) -> SqliteStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def group_commit_stats(self) -> tuple[int, int]:
        """(transactions, operations) committed so far: how well writes are being grouped."""
        assert self.runner.writer is not None
        return self.runner.writer.transactions, self.runner.writer.operations

    async def _write(self, operation):  # type: ignore[no-untyped-def]
        return await self.runner.run(operation)

    async def _read(self, sql: str, params: Any = (), *, second: bool = False) -> list[Any]:
        """A SQLite-only read (`?` or `:name` placeholders) on a reader connection."""
        return await self.runner.fetch(sql, *((params,) if isinstance(params, dict) else params))

    # -- projects and batches --------------------------------------------------------------

    async def create_batch(
        self,
        settings: BatchSettings,
        tasks: Sequence[TaskSpec],
        *,
        overlap: int,
        lease_seconds: int,
        now: datetime,
        quality: tuple[float | None, str] | None = None,
    ) -> Batch:
        """Store a batch, its tasks and (the first time) its project, all in one transaction:
        a refusal anywhere leaves no row at all. `quality` is the batch's (gold rate, policy
        JSON); its gold tasks then open to every writer once (control tasks)."""
        prepared = await asyncio.to_thread(
            batchrows.prepare_batch, settings.project, settings, tasks, overlap, lease_seconds, now
        )
        project_sql = (
            f"INSERT INTO projects ({', '.join(batchrows.PROJECT_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in batchrows.PROJECT_COLUMNS)}) ON CONFLICT (name) DO NOTHING"
        )
        batch_sql = (
            f"INSERT INTO batches ({', '.join(batchrows.BATCH_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in batchrows.BATCH_COLUMNS)})"
        )
        task_sql = (
            f"INSERT INTO tasks ({', '.join(batchrows.TASK_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in batchrows.TASK_COLUMNS)})"
        )

        def operation(connection: sqlite3.Connection) -> int:
            # The writer runs each operation in a savepoint: a refusal leaves no row at all.
            connection.execute(project_sql, prepared.project)
            project_id = connection.execute(
                "SELECT id FROM projects WHERE name = ?", (settings.project.name,)
            ).fetchone()[0]
            try:
                cursor = connection.execute(batch_sql, (project_id, *prepared.batch))
            except sqlite3.IntegrityError as error:
                if "UNIQUE" in str(error):
                    raise batchrows.duplicate_batch_name(settings.name) from None
                raise batchrows.refused_value(str(error)) from None
            batch_id = cursor.lastrowid
            assert batch_id is not None
            try:
                connection.executemany(task_sql, prepared.task_rows(batch_id, overlap))
            except sqlite3.IntegrityError as error:
                if "UNIQUE" in str(error):
                    raise batchrows.duplicate_task_ids(prepared.tasks) from None
                raise batchrows.refused_value(str(error)) from None
            if quality is not None:
                _store_quality(connection, batch_id, quality)
            return batch_id

        return await self.get_batch(await self._write(operation))

    # -- claims ----------------------------------------------------------------------------

    async def claim(
        self,
        writer_id: str,
        batch_ids: Sequence[int],
        caps: dict[int, int],
        now: datetime,
        max_active: int = 1,
        orders: Sequence[str] | None = None,
    ) -> tuple[Assignment, Task] | None:
        """Take one slot of the first task open to this writer, trying batches in order; the
        assignment with its task. A writer already holding `max_active` live leases gets the
        oldest of them back instead. `orders` gives, per batch, the kinds of task to try
        ('any', or 'gold'/'plain' in a comma-separated order)."""
        moment = to_micros(now)
        kinds = list(orders) if orders is not None else ["any"] * len(batch_ids)

        def operation(
            connection: sqlite3.Connection,
        ) -> tuple[sqlite3.Row, sqlite3.Row] | None:
            checked = False
            for batch_id, order in zip(batch_ids, kinds, strict=True):
                cap = caps.get(batch_id)
                sql = _claim_sql(order, cap is not None)
                params = {
                    "writer": writer_id,
                    "now": moment,
                    "batch": batch_id,
                    "max_active": max_active,
                    "cap": cap,
                }
                if cap is None:
                    del params["cap"]
                found = list(connection.execute(sql, params))
                if found:
                    task = connection.execute(
                        "SELECT * FROM tasks WHERE id = ?", (found[0]["task_id"],)
                    )
                    return found[0], task.fetchone()
                if not checked:
                    # Nothing taken: either no task here, or the writer is at the limit (then
                    # every batch would refuse). Only this slow path pays for the second look.
                    checked = True
                    held = _held_at_limit(connection, writer_id, max_active)
                    if held is not None:
                        return held
            return None

        found = await self._write(operation)
        return None if found is None else (rows.assignment(found[0]), rows.task(found[1]))

    async def insert_submission(self, new: NewSubmission, now: datetime) -> tuple[Submission, bool]:
        """Store an answer once; a repeat (same client key or assignment) returns the first."""
        params = {
            "assignment": new.assignment_id,
            "writer": new.writer_id,
            "key": new.client_key,
            "answers": rows.dumps(new.answers),
            "now": to_micros(now),
            "gold": None if new.gold_correct is None else int(new.gold_correct),
        }

        def operation(connection: sqlite3.Connection) -> tuple[sqlite3.Row, bool]:
            inserted = list(connection.execute(_SUBMIT, params))
            if inserted:
                return inserted[0], False
            return run_steps(connection, answered_before(new, params["now"])), True

        row, replayed = await self._write(operation)
        return rows.submission(row), replayed

    # -- tallies ---------------------------------------------------------------------------

    async def tally(self, start: datetime, end: datetime, writer_id: str | None) -> Tally:
        """Per-writer figures: submission counts and time from submissions, money from the ledger."""
        span = {"start": to_micros(start), "end": to_micros(end), "writer": writer_id}
        writer_filter = "" if writer_id is None else " AND writer_id = :writer"
        pay = {
            row[0]: row[1] for row in await self.runner.fetch("SELECT id, pay_cents FROM batches")
        }
        work, money = await asyncio.gather(
            self.runner.fetch(
                "SELECT writer_id, batch_id, count(*), sum(status = 'approved'),"
                " sum(status = 'rejected'), sum(status = 'pending'), sum(seconds_on_task)"
                " FROM submissions WHERE submitted_at >= :start AND submitted_at < :end"
                + writer_filter
                + " GROUP BY writer_id, batch_id",
                span,
            ),
            self.runner.fetch(
                "SELECT writer_id, kind, sum(amount_cents) FROM ledger"
                " WHERE created_at >= :start AND created_at < :end"
                + writer_filter
                + " GROUP BY writer_id, kind",
                span,
            ),
        )
        return rows.tally(start, end, work, money, pay)

    # -- copying out -----------------------------------------------------------------------

    async def table_columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        return [row[1] for row in await self.runner.fetch(f"PRAGMA table_info({table})")]

    # -- quality figures (the reads live in taskbank/store/sqlite/quality.py) ---------------

    async def quality_answers(
        self, batch_id: int, option_fields: dict[str, str] | None = None
    ) -> StoredAnswers:
        """Every answer of a batch in columns, for agreement and consensus."""
        return await quality.quality_answers(self._read, batch_id, option_fields)

    async def review_counts(self, batch_id: int) -> dict[str, tuple[int, int]]:
        """Per writer, (approved, rejected) verdicts by people on a batch."""
        return await quality.review_counts(self._read, batch_id)

    async def batches_answered_between(self, start: datetime, end: datetime) -> list[int]:
        """The batches that received answers in a period."""
        return await quality.batches_answered_between(self._read, start, end)


def _try_file_lock(path: Path) -> Any:
    """An open file holding an exclusive lock, or None when another process holds it."""
    import fcntl

    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _held_at_limit(
    connection: sqlite3.Connection, writer_id: str, max_active: int
) -> tuple[sqlite3.Row, sqlite3.Row] | None:
    """The writer's oldest live lease and its task, when they hold `max_active` or more."""
    held = list(
        connection.execute(
            "SELECT * FROM assignments WHERE writer_id = ? AND state = 'active' ORDER BY id",
            (writer_id,),
        )
    )
    if len(held) < max_active:
        return None
    task = connection.execute("SELECT * FROM tasks WHERE id = ?", (held[0]["task_id"],))
    return held[0], task.fetchone()
