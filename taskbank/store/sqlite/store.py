"""The embedded store: SQLite, WAL, group commit on the writer's thread, one statement per claim.

The statements both dialects share live with their aggregates (taskbank/store/*.py) and run over
`SqliteRunner`; this module holds SQLite's own: batch creation, the claim (its statement in claim.py), the
submit, the tally, the scheduler lock and the copy source's column list.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskbank.batchsettings import BatchSettings, TaskSpec
from taskbank.bulkmemory import release
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
from taskbank.store.sqlite.claim import claim_on
from taskbank.store.sqlite.connection import Synchronous
from taskbank.store.sqlite.fairwork import SqliteFairWork
from taskbank.store.sqlite.quality_flow import SqliteQualityFlow, _store_quality
from taskbank.store.sqlite.runner import SqliteRunner, WriterKind, run_steps
from taskbank.store.sqlite.wire import RemoteCall
from taskbank.store.submissions import Submissions, answered_before

if TYPE_CHECKING:
    from taskbank.quality.answers import StoredAnswers

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

# The tally reads both its halves as ranges of an index (migration 0012), without sorting the
# period and without testing each row: a loose index scan finds each writer, then each of their
# batches (or ledger kinds), a seek apiece, and one range per (writer, batch, status) — or per
# (writer, kind) — holds that group's rows in the period, aggregated in index order. Cost: the
# period's rows plus a few seeks per group.
_EVERY_WRITER = """writers(w) AS (
  SELECT min(writer_id) FROM {table}
  UNION ALL SELECT (SELECT min(writer_id) FROM {table} WHERE writer_id > w)
  FROM writers WHERE w IS NOT NULL),"""
_ONE_WRITER = "writers(w) AS (SELECT :writer),"
# Per (writer, batch): each status's [count, seconds] packed into one JSON array by a scalar
# subquery, one range of `submissions_by_writer_batch_status` apiece.
_STATUS_RANGE = """(SELECT json_array(count(*), total(seconds_on_task))
   FROM submissions INDEXED BY submissions_by_writer_batch_status
   WHERE writer_id = w AND batch_id = b AND status = '{status}'
     AND submitted_at >= :start AND submitted_at < :end)"""
_TALLY_WORK = f"""
WITH RECURSIVE {{writers}}
pairs(w, b) AS (
  SELECT w, (SELECT min(batch_id) FROM submissions WHERE writer_id = w)
  FROM writers WHERE w IS NOT NULL
  UNION ALL SELECT w, (SELECT min(batch_id) FROM submissions WHERE writer_id = w AND batch_id > b)
  FROM pairs WHERE b IS NOT NULL)
SELECT w, b, {_STATUS_RANGE.format(status="approved")}, {_STATUS_RANGE.format(status="rejected")},
       {_STATUS_RANGE.format(status="pending")}
FROM pairs WHERE b IS NOT NULL
"""
_TALLY_MONEY = """
WITH RECURSIVE {writers}
kinds(w, k) AS (
  SELECT w, (SELECT min(kind) FROM ledger WHERE writer_id = w) FROM writers WHERE w IS NOT NULL
  UNION ALL SELECT w, (SELECT min(kind) FROM ledger WHERE writer_id = w AND kind > k)
  FROM kinds WHERE k IS NOT NULL)
SELECT w, k, cents FROM (
  SELECT w, k, (SELECT sum(amount_cents) FROM ledger INDEXED BY ledger_by_writer_kind
                WHERE writer_id = w AND kind = k
                  AND created_at >= :start AND created_at < :end) AS cents
  FROM kinds WHERE k IS NOT NULL)
WHERE cents IS NOT NULL
"""


def _tally_work(figures: Sequence[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
    """The tally's (writer, batch, submitted, approved, rejected, pending, seconds) rows from
    `_TALLY_WORK`'s packed figures."""
    for writer, batch_id, *packed in figures:
        (approved, approved_seconds), (rejected, rejected_seconds), (pending, pending_seconds) = (
            json.loads(status) for status in packed
        )
        count = approved + rejected + pending
        if count:
            seconds = approved_seconds + rejected_seconds + pending_seconds
            yield writer, batch_id, count, approved, rejected, pending, int(seconds)


def submit_params(new: NewSubmission, now: datetime) -> dict[str, Any]:
    """The arguments of `_SUBMIT` for an answer stored at `now`."""
    return {
        "assignment": new.assignment_id,
        "writer": new.writer_id,
        "key": new.client_key,
        "answers": rows.dumps(new.answers),
        "now": to_micros(now),
        "gold": None if new.gold_correct is None else int(new.gold_correct),
    }


def submit_on(
    connection: sqlite3.Connection, params: dict[str, Any], new: NewSubmission
) -> tuple[sqlite3.Row, bool]:
    """Store an answer on the writer connection: its row, and whether it was there before (a
    repeat of the same client key or assignment); else the refusal that says why."""
    inserted = connection.execute(_SUBMIT, params).fetchall()
    if inserted:
        return inserted[0], False
    return run_steps(connection, answered_before(new, params["now"])), True


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

    # Its claim statement refuses paused writers, unaccepted terms and batches no longer open by
    # itself, so TaskBank may plan claims from a moment-old list of open batches.
    claim_rechecks_access = True

    def __init__(
        self, path: Path | str, *, synchronous: Synchronous = "full", writer: WriterKind = "thread"
    ) -> None:
        """`writer`: "thread" keeps the writer in this process (cheap to open: for commands and
        tests); "process" gives it a process of its own, whose SQL then runs beside the event
        loop (for the bot serving; writer_process.py)."""
        self.path = Path(path)
        self.synchronous = synchronous
        self.runner = SqliteRunner(self.path, synchronous, writer)
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

    @property
    def writer_cpu_seconds(self) -> float:
        """CPU time the writer thread has spent running groups (benchmarks divide it per pair)."""
        assert self.runner.writer is not None
        return self.runner.writer.cpu_seconds

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

        try:
            return await self.get_batch(await self._write(operation))
        finally:  # a million encoded rows freed at once would hold the event loop
            await asyncio.to_thread(release, prepared.tasks)

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
        operation = RemoteCall(
            claim_on, (writer_id, batch_ids, caps, to_micros(now), max_active, orders)
        )
        found = await self.runner.run(operation, savepoint=False)  # one INSERT, then reads
        return None if found is None else rows.claimed(found)

    async def insert_submission(self, new: NewSubmission, now: datetime) -> tuple[Submission, bool]:
        """Store an answer once; a repeat (same client key or assignment) returns the first."""
        operation = RemoteCall(submit_on, (submit_params(new, now), new))
        row, replayed = await self.runner.run(operation, savepoint=False)  # one INSERT, then reads
        return rows.submission(row, None if replayed else new.answers), replayed

    # -- tallies ---------------------------------------------------------------------------

    async def tally(self, start: datetime, end: datetime, writer_id: str | None) -> Tally:
        """Per-writer figures: submission counts and time from submissions, money from the ledger.

        Both halves walk their groups — (writer, batch, status) for the work, (writer, kind) for
        the money — and aggregate each group's period as one index range (migration 0012): no
        GROUP BY over the period's rows, whose sort was most of a tally over a million of them."""
        span = {"start": to_micros(start), "end": to_micros(end), "writer": writer_id}
        pay = {
            row[0]: row[1] for row in await self.runner.fetch("SELECT id, pay_cents FROM batches")
        }

        def every_writer(table: str) -> str:
            return _EVERY_WRITER.format(table=table) if writer_id is None else _ONE_WRITER

        figures, money = await asyncio.gather(
            self.runner.fetch(_TALLY_WORK.format(writers=every_writer("submissions")), span),
            self.runner.fetch(_TALLY_MONEY.format(writers=every_writer("ledger")), span),
        )
        return await rows.built(
            len(figures) + len(money),
            lambda: rows.tally(start, end, _tally_work(figures), money, pay),
        )

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
