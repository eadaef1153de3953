"""The embedded store: SQLite through aiosqlite, WAL, group commit, one statement per claim."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from taskbank.batchfile import BatchSettings, TaskSpec
from taskbank.clock import to_micros
from taskbank.errors import NotAllowed, NotFound
from taskbank.models import (
    Assignment,
    AssignmentState,
    Batch,
    BatchState,
    LedgerEntry,
    LedgerKind,
    Project,
    Review,
    Submission,
    Tally,
    Task,
    Verdict,
)
from taskbank.store import rows
from taskbank.store.protocol import BatchCandidate, BatchProgress, NewSubmission
from taskbank.store.refusals import explain_unsubmittable
from taskbank.store.sqlite import quality

if TYPE_CHECKING:
    from taskbank.quality.answers import StoredAnswers
from taskbank.store.sqlite.connection import (
    GroupCommitWriter,
    Synchronous,
    connect,
    migrate,
    savepoint,
)
from taskbank.store.sqlite.fairwork import SqliteFairWork
from taskbank.store.sqlite.quality_flow import SqliteQualityFlow, _store_quality

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


class SqliteStore(SqliteQualityFlow, SqliteFairWork):
    """The Store protocol on one SQLite file: a writer connection with group commit, a reader."""

    def __init__(self, path: Path | str, *, synchronous: Synchronous = "full") -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        self._writer_connection: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        # A second reader lets the two halves of a tally run at once on another core.
        self._second_reader: aiosqlite.Connection | None = None
        self._writer: GroupCommitWriter | None = None
        self._leader_lock: Any = None

    # -- lifecycle -------------------------------------------------------------------------

    async def open(self) -> None:
        """Open (creating if needed) the file, apply migrations, start group commit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer_connection = await connect(self.path, self.synchronous)
        # Kept for `taskbot db migrate` to say what it applied.
        self.migrations_applied = await migrate(self._writer_connection)
        self._reader = await connect(self.path, self.synchronous)
        self._second_reader = await connect(self.path, self.synchronous)
        self._writer = GroupCommitWriter(self._writer_connection)
        self._writer.start()

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
        connections = [c for c in (self._reader, self._second_reader, self._writer_connection) if c]
        try:
            if self._writer is not None:
                await self._writer.stop()
            for connection in connections:
                await connection.close()
        except BaseException:
            # Interrupted (cancelled, or the loop is unwinding on exit): stop the connection
            # threads without waiting, or they would keep the process alive. Committed work is
            # already on disk; an uncommitted group was never acknowledged.
            for connection in connections:
                connection.stop()
            raise
        finally:
            self._writer = self._reader = self._second_reader = self._writer_connection = None

    async def __aenter__(self) -> SqliteStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def group_commit_stats(self) -> tuple[int, int]:
        """(transactions, operations) committed so far: how well writes are being grouped."""
        assert self._writer is not None
        return self._writer.transactions, self._writer.operations

    async def _write(self, operation):  # type: ignore[no-untyped-def]
        if self._writer is None:
            raise RuntimeError("the store is not open")
        try:
            return await self._writer.run(operation)
        except UnicodeEncodeError as error:  # a lone surrogate in a text parameter
            raise rows.refused_value(f"text that is not valid Unicode ({error.reason})") from None

    async def _read(self, sql: str, params: Any = (), *, second: bool = False) -> list[sqlite3.Row]:
        reader = self._second_reader if second else self._reader
        if reader is None:
            raise RuntimeError("the store is not open")
        return list(await reader.execute_fetchall(sql, params))

    async def _read_one(self, sql: str, params: Any, what: str) -> sqlite3.Row:
        found = await self._read(sql, params)
        if not found:
            raise NotFound(what)
        return found[0]

    # -- projects and batches --------------------------------------------------------------

    async def get_project(self, project_id: int) -> Project:
        """A project by id."""
        row = await self._read_one(
            "SELECT * FROM projects WHERE id = ?", (project_id,), f"no project {project_id}"
        )
        return rows.project(row)

    async def accept_terms(self, project_id: int, writer_id: str, now: datetime) -> None:
        """Record that a writer accepted a project's terms (once; repeats change nothing)."""

        async def operation(connection: aiosqlite.Connection) -> None:
            await connection.execute(
                "INSERT INTO terms_acceptances (project_id, writer_id, accepted_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (project_id, writer_id, to_micros(now)),
            )

        await self._write(operation)

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
            rows.prepare_batch, settings.project, settings, tasks, overlap, lease_seconds, now
        )
        project_sql = (
            f"INSERT INTO projects ({', '.join(rows.PROJECT_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in rows.PROJECT_COLUMNS)}) ON CONFLICT (name) DO NOTHING"
        )
        batch_sql = (
            f"INSERT INTO batches ({', '.join(rows.BATCH_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in rows.BATCH_COLUMNS)})"
        )
        task_sql = (
            f"INSERT INTO tasks ({', '.join(rows.TASK_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in rows.TASK_COLUMNS)})"
        )

        async def operation(connection: aiosqlite.Connection) -> int:
            async with savepoint(connection):
                await connection.execute(project_sql, prepared.project)
                project_id = _first(
                    await connection.execute_fetchall(
                        "SELECT id FROM projects WHERE name = ?", (settings.project.name,)
                    )
                )[0]
                try:
                    cursor = await connection.execute(batch_sql, (project_id, *prepared.batch))
                except sqlite3.IntegrityError as error:
                    if "UNIQUE" in str(error):
                        raise rows.duplicate_batch_name(settings.name) from None
                    raise rows.refused_value(str(error)) from None
                batch_id = cursor.lastrowid
                assert batch_id is not None
                try:
                    await connection.executemany(task_sql, prepared.task_rows(batch_id, overlap))
                except sqlite3.IntegrityError as error:
                    if "UNIQUE" in str(error):
                        raise rows.duplicate_task_ids(prepared.tasks) from None
                    raise rows.refused_value(str(error)) from None
                if quality is not None:
                    await _store_quality(connection, batch_id, quality)
                return batch_id

        return await self.get_batch(await self._write(operation))

    async def get_batch(self, batch_id: int) -> Batch:
        """A batch by id."""
        row = await self._read_one(
            "SELECT * FROM batches WHERE id = ?", (batch_id,), f"no batch {batch_id}"
        )
        return rows.batch(row)

    async def list_batches(self) -> list[Batch]:
        """Every batch, newest first."""
        return [
            rows.batch(row) for row in await self._read("SELECT * FROM batches ORDER BY id DESC")
        ]

    async def set_batch_state(self, batch_id: int, state: BatchState) -> Batch:
        """Open, pause or close a batch."""

        async def operation(connection: aiosqlite.Connection) -> int:
            cursor = await connection.execute(
                "UPDATE batches SET state = ? WHERE id = ?", (state.value, batch_id)
            )
            return cursor.rowcount

        if not await self._write(operation):
            raise NotFound(f"no batch {batch_id}")
        return await self.get_batch(batch_id)

    async def batch_progress(self, batch_id: int) -> BatchProgress:
        """Task, assignment and submission counts for one batch."""
        batch = await self.get_batch(batch_id)
        tasks = (await self._read("SELECT count(*) FROM tasks WHERE batch_id = ?", (batch_id,)))[0][
            0
        ]
        assignments = await self._read(
            "SELECT state, count(*) FROM assignments WHERE batch_id = ? GROUP BY state", (batch_id,)
        )
        submissions = await self._read(
            "SELECT status, count(*), min(submitted_at), max(submitted_at) FROM submissions"
            " WHERE batch_id = ? GROUP BY status",
            (batch_id,),
        )
        return rows.batch_progress(batch, tasks, assignments, submissions)

    # -- claims ----------------------------------------------------------------------------

    async def claim_candidates(self, writer_id: str) -> list[BatchCandidate]:
        """Open batches in claim order (priority, then age), with terms and budget facts."""
        found = await self._read(
            "SELECT b.id, b.project_id, p.name AS project_name, b.template, b.pay_cents, b.deadline,"
            " p.terms IS NOT NULL AND ta.writer_id IS NULL AS needs_terms, p.budget_cap_cents,"
            " EXISTS (SELECT 1 FROM writer_pauses AS wp WHERE wp.batch_id = b.id"
            " AND wp.writer_id = ?1 AND wp.reinstated_at IS NULL) AS paused"
            " FROM batches AS b JOIN projects AS p ON p.id = b.project_id"
            " LEFT JOIN terms_acceptances AS ta ON ta.project_id = p.id AND ta.writer_id = ?1"
            " WHERE b.state = 'open' ORDER BY b.priority DESC, b.created_at, b.id",
            (writer_id,),
        )
        return [rows.batch_candidate(row) for row in found]

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

        async def operation(
            connection: aiosqlite.Connection,
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
                found = list(await connection.execute_fetchall(sql, params))
                if found:
                    task = await connection.execute_fetchall(
                        "SELECT * FROM tasks WHERE id = ?", (found[0]["task_id"],)
                    )
                    return found[0], next(iter(task))
                if not checked:
                    # Nothing taken: either no task here, or the writer is at the limit (then
                    # every batch would refuse). Only this slow path pays for the second look.
                    checked = True
                    held = await _held_at_limit(connection, writer_id, max_active)
                    if held is not None:
                        return held
            return None

        found = await self._write(operation)
        return None if found is None else (rows.assignment(found[0]), rows.task(found[1]))

    async def get_task(self, task_id: int) -> Task:
        """A task by id."""
        return rows.task(
            await self._read_one(
                "SELECT * FROM tasks WHERE id = ?", (task_id,), f"no task {task_id}"
            )
        )

    async def get_assignment(self, assignment_id: int) -> Assignment:
        """An assignment by id."""
        row = await self._read_one(
            "SELECT * FROM assignments WHERE id = ?",
            (assignment_id,),
            f"no assignment {assignment_id}",
        )
        return rows.assignment(row)

    async def active_assignments(self, writer_id: str) -> list[Assignment]:
        """A writer's live leases, oldest first."""
        found = await self._read(
            "SELECT * FROM assignments WHERE writer_id = ? AND state = 'active' ORDER BY id",
            (writer_id,),
        )
        return [rows.assignment(row) for row in found]

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

        async def operation(connection: aiosqlite.Connection) -> tuple[sqlite3.Row, bool]:
            inserted = list(await connection.execute_fetchall(_SUBMIT, params))
            if inserted:
                return inserted[0], False
            earlier = list(
                await connection.execute_fetchall(
                    "SELECT * FROM submissions WHERE client_key = :key OR assignment_id = :assignment"
                    " ORDER BY assignment_id = :assignment DESC LIMIT 1",
                    params,
                )
            )
            if earlier:
                if (
                    earlier[0]["writer_id"] != new.writer_id
                    or earlier[0]["assignment_id"] != new.assignment_id
                ):
                    raise NotAllowed("that client key was already used for another answer")
                return earlier[0], True
            await _explain_unsubmittable(
                connection, new.assignment_id, new.writer_id, to_micros(now)
            )
            raise AssertionError("unreachable")  # pragma: no cover

        row, replayed = await self._write(operation)
        return rows.submission(row), replayed

    async def end_assignment(
        self, assignment_id: int, writer_id: str, state: AssignmentState, now: datetime
    ) -> Assignment:
        """Release or skip an active assignment, freeing its slot for other writers."""

        async def operation(connection: aiosqlite.Connection) -> sqlite3.Row:
            found = list(
                await connection.execute_fetchall(
                    "UPDATE assignments SET state = ?, ended_at = ?"
                    " WHERE id = ? AND writer_id = ? AND state IN ('active', 'expired') RETURNING *",
                    (state.value, to_micros(now), assignment_id, writer_id),
                )
            )
            if not found:
                await _explain_unsubmittable(connection, assignment_id, writer_id)
            return found[0]

        return rows.assignment(await self._write(operation))

    async def expire_leases(self, now: datetime) -> list[Assignment]:
        """Return every lapsed lease's slot to the pool."""

        async def operation(connection: aiosqlite.Connection) -> list[sqlite3.Row]:
            return list(
                await connection.execute_fetchall(
                    "UPDATE assignments SET state = 'expired', ended_at = lease_expires_at"
                    " WHERE state = 'active' AND lease_expires_at <= ? RETURNING *",
                    (to_micros(now),),
                )
            )

        return [rows.assignment(row) for row in await self._write(operation)]

    async def save_draft(self, assignment_id: int, answers: dict[str, Any], now: datetime) -> None:
        """Keep a half-done answer (replacing the previous draft)."""

        async def operation(connection: aiosqlite.Connection) -> None:
            await connection.execute(
                "INSERT INTO drafts (assignment_id, answers_json, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (assignment_id) DO UPDATE SET answers_json = excluded.answers_json,"
                " updated_at = excluded.updated_at",
                (assignment_id, rows.dumps(answers), to_micros(now)),
            )

        await self._write(operation)

    async def get_draft(self, assignment_id: int) -> dict[str, Any]:
        """The half-done answer kept for an assignment (empty when none)."""
        found = await self._read(
            "SELECT answers_json FROM drafts WHERE assignment_id = ?", (assignment_id,)
        )
        return json.loads(found[0][0]) if found else {}

    async def link_message(self, ref: str, kind: str, subject_id: int, now: datetime) -> None:
        """Remember which record a chat message shows."""

        async def operation(connection: aiosqlite.Connection) -> None:
            await connection.execute(
                "INSERT INTO message_links (ref, kind, subject_id, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (ref, kind, subject_id, to_micros(now)),
            )

        await self._write(operation)

    async def first_delivery(self, key: str, now: datetime, keep_since: datetime) -> bool:
        """Record an inbound delivery; True only the first time its key is seen."""

        async def operation(connection: aiosqlite.Connection) -> bool:
            await connection.execute(
                "DELETE FROM deliveries WHERE received_at < ?", (to_micros(keep_since),)
            )
            found = await connection.execute_fetchall(
                "INSERT INTO deliveries (key, received_at) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING RETURNING key",
                (key, to_micros(now)),
            )
            return bool(found)

        return await self._write(operation)

    async def linked_subject(self, ref: str, kind: str) -> int | None:
        """The record a chat message shows, if it was linked."""
        found = await self._read(
            "SELECT subject_id FROM message_links WHERE ref = ? AND kind = ?", (ref, kind)
        )
        return found[0][0] if found else None

    async def linked_refs(self, kind: str, subject_id: int) -> list[str]:
        """The chat messages linked to a record, oldest first."""
        found = await self._read(
            "SELECT ref FROM message_links WHERE kind = ? AND subject_id = ? ORDER BY created_at",
            (kind, subject_id),
        )
        return [row[0] for row in found]

    async def task_submissions(self, task_id: int) -> list[Submission]:
        """Every answer to one task, first submitted first."""
        found = await self._read(
            "SELECT * FROM submissions WHERE task_id = ? ORDER BY id", (task_id,)
        )
        return [rows.submission(row) for row in found]

    # -- copying out -----------------------------------------------------------------------

    async def table_columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        return [row[1] for row in await self._read(f"PRAGMA table_info({table})")]

    async def table_chunks(
        self, table: str, columns: list[str], size: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """A table's rows in chunks of `size`."""
        if self._reader is None:
            raise RuntimeError("the store is not open")
        async with self._reader.execute(f"SELECT {', '.join(columns)} FROM {table}") as cursor:
            while chunk := await cursor.fetchmany(size):
                yield [tuple(row) for row in chunk]

    async def table_count(self, table: str) -> int:
        """How many rows a table holds."""
        return (await self._read(f"SELECT count(*) FROM {table}"))[0][0]

    async def ledger_total(self) -> int:
        """The sum of every ledger entry, in cents."""
        return (await self._read("SELECT coalesce(sum(amount_cents), 0) FROM ledger"))[0][0]

    # -- scheduled posts -------------------------------------------------------------------

    async def record_post(self, job: str, period_key: str, recipient: str, now: datetime) -> str:
        """Record a post as pending unless it exists; returns 'new' when recorded now, else its
        state ('pending': an earlier attempt may have reached the chat, or 'sent')."""

        async def operation(connection: aiosqlite.Connection) -> str:
            inserted = await connection.execute(
                "INSERT INTO posts (job, period_key, recipient, state, created_at)"
                " VALUES (?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING",
                (job, period_key, recipient, to_micros(now)),
            )
            if inserted.rowcount == 1:
                return "new"
            found = await connection.execute_fetchall(
                "SELECT state FROM posts WHERE job = ? AND period_key = ? AND recipient = ?",
                (job, period_key, recipient),
            )
            return _first(found)[0]

        return await self._write(operation)

    async def mark_post_sent(
        self, job: str, period_key: str, recipient: str, now: datetime
    ) -> None:
        """Mark a recorded post as sent."""

        async def operation(connection: aiosqlite.Connection) -> None:
            await connection.execute(
                "UPDATE posts SET state = 'sent', sent_at = ?"
                " WHERE job = ? AND period_key = ? AND recipient = ?",
                (to_micros(now), job, period_key, recipient),
            )

        await self._write(operation)

    async def posts(self, job: str, state: str | None = None) -> list[tuple[str, str, str]]:
        """(period_key, recipient, state) of a job's posts, oldest first."""
        found = await self._read(
            "SELECT period_key, recipient, state FROM posts WHERE job = ? AND (? IS NULL OR state = ?)"
            " ORDER BY created_at, period_key, recipient",
            (job, state, state),
        )
        return [(row[0], row[1], row[2]) for row in found]

    async def activity_by_quarter_hour(
        self, start: datetime, end: datetime
    ) -> list[tuple[int, int, int]]:
        """(quarter-hour start in epoch microseconds, paid cents, submissions) in a period."""
        span = (to_micros(start), to_micros(end))
        quarter = 900_000_000
        money, work = await asyncio.gather(
            self._read(
                f"SELECT created_at / {quarter} * {quarter}, sum(amount_cents) FROM ledger"
                " WHERE created_at >= ? AND created_at < ? GROUP BY 1",
                span,
            ),
            self._read(
                f"SELECT submitted_at / {quarter} * {quarter}, count(*) FROM submissions"
                " WHERE submitted_at >= ? AND submitted_at < ? GROUP BY 1",
                span,
                second=True,
            ),
        )
        return rows.activity(money, work)

    async def project_spend(self) -> list[tuple[Project, int]]:
        """Every project with the cents its ledger has paid."""
        found = await self._read(
            "SELECT p.*, coalesce((SELECT sum(l.amount_cents) FROM ledger AS l"
            " JOIN batches AS b ON b.id = l.batch_id WHERE b.project_id = p.id), 0) AS spent"
            " FROM projects AS p ORDER BY p.id"
        )
        return [(rows.project(row), row["spent"]) for row in found]

    async def writer_projects(self, start: datetime, end: datetime) -> dict[str, set[int]]:
        """The projects each writer submitted work to in a period."""
        found = await self._read(
            "SELECT DISTINCT s.writer_id, b.project_id FROM submissions AS s"
            " JOIN batches AS b ON b.id = s.batch_id WHERE s.submitted_at >= ? AND s.submitted_at < ?",
            (to_micros(start), to_micros(end)),
        )
        projects: dict[str, set[int]] = {}
        for writer, project_id in found:
            projects.setdefault(writer, set()).add(project_id)
        return projects

    async def pending_gold_submissions(self) -> list[Submission]:
        """Pending submissions on gold tasks: these are checked automatically, not by people."""
        found = await self._read(
            "SELECT * FROM submissions WHERE status = 'pending' AND gold_correct IS NOT NULL ORDER BY id"
        )
        return [rows.submission(row) for row in found]

    # -- submissions and reviews -----------------------------------------------------------

    async def get_submission(self, submission_id: int) -> Submission:
        """A submission by id."""
        row = await self._read_one(
            "SELECT * FROM submissions WHERE id = ?",
            (submission_id,),
            f"no submission {submission_id}",
        )
        return rows.submission(row)

    async def submission_for_assignment(self, assignment_id: int) -> Submission | None:
        """The submission made on an assignment, if any."""
        found = await self._read(
            "SELECT * FROM submissions WHERE assignment_id = ?", (assignment_id,)
        )
        return rows.submission(found[0]) if found else None

    async def unsampled_submissions(self, batch_id: int | None) -> list[Submission]:
        """Pending submissions on non-gold tasks that no sample has picked yet, oldest first."""
        found = await self._read(
            "SELECT s.* FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " WHERE s.status = 'pending' AND s.sampled_at IS NULL AND t.gold_json IS NULL"
            " AND (:batch IS NULL OR s.batch_id = :batch) ORDER BY s.submitted_at, s.id",
            {"batch": batch_id},
        )
        return [rows.submission(row) for row in found]

    async def mark_sampled(self, submission_ids: Sequence[int], now: datetime) -> None:
        """Record that these submissions were sent for review."""
        ids = list(submission_ids)

        async def operation(connection: aiosqlite.Connection) -> None:
            await connection.executemany(
                "UPDATE submissions SET sampled_at = ? WHERE id = ? AND sampled_at IS NULL",
                [(to_micros(now), submission_id) for submission_id in ids],
            )

        await self._write(operation)

    async def next_sampled_for(self, reviewer_id: str) -> Submission | None:
        """The oldest sampled, unreviewed submission this reviewer did not write."""
        found = await self._read(
            "SELECT * FROM submissions WHERE status = 'pending' AND sampled_at IS NOT NULL"
            " AND writer_id != ? AND NOT EXISTS (SELECT 1 FROM message_links"
            " WHERE kind = 'review-pass' AND ref = 'pass/' || ? || '/' || submissions.id)"
            " ORDER BY sampled_at, id LIMIT 1",
            (reviewer_id, reviewer_id),
        )
        return rows.submission(found[0]) if found else None

    async def insert_review(
        self,
        submission_id: int,
        reviewer_id: str,
        verdict: Verdict,
        reason: str | None,
        now: datetime,
        *,
        automatic: bool = False,
    ) -> tuple[Review, bool]:
        """Record a verdict unless one exists (the first stands); approval pays via the ledger."""

        async def operation(connection: aiosqlite.Connection) -> tuple[sqlite3.Row, bool]:
            inserted = list(
                await connection.execute_fetchall(
                    "INSERT INTO reviews (submission_id, reviewer_id, verdict, reason, reviewed_at, automatic)"
                    " SELECT id, ?, ?, ?, ?, ? FROM submissions WHERE id = ? AND writer_id != ?"
                    " ON CONFLICT (submission_id) DO NOTHING RETURNING *",
                    (
                        reviewer_id,
                        verdict.value,
                        reason,
                        to_micros(now),
                        int(automatic),
                        submission_id,
                        reviewer_id,
                    ),
                )
            )
            if inserted:
                return inserted[0], True
            earlier = list(
                await connection.execute_fetchall(
                    "SELECT * FROM reviews WHERE submission_id = ?", (submission_id,)
                )
            )
            if earlier:
                return earlier[0], False
            author = list(
                await connection.execute_fetchall(
                    "SELECT writer_id FROM submissions WHERE id = ?", (submission_id,)
                )
            )
            if not author:
                raise NotFound(f"no submission {submission_id}")
            raise NotAllowed("a reviewer cannot judge their own work")

        row, recorded = await self._write(operation)
        return rows.review(row), recorded

    async def get_review(self, submission_id: int) -> Review | None:
        """The verdict on a submission, if any."""
        found = await self._read("SELECT * FROM reviews WHERE submission_id = ?", (submission_id,))
        return rows.review(found[0]) if found else None

    async def auto_approve(self, submitted_before: datetime, now: datetime) -> int:
        """Approve (and so pay) every pending submission older than the cut-off."""

        async def operation(connection: aiosqlite.Connection) -> int:
            cursor = await connection.execute(
                "INSERT INTO reviews (submission_id, reviewer_id, verdict, reason, reviewed_at, automatic)"
                " SELECT id, 'auto', 'approved', NULL, ?, 1 FROM submissions"
                " WHERE status = 'pending' AND submitted_at < ? ORDER BY id",
                (to_micros(now), to_micros(submitted_before)),
            )
            return cursor.rowcount

        return await self._write(operation)

    # -- ledger and tallies ----------------------------------------------------------------

    async def add_ledger_entry(
        self,
        writer_id: str,
        kind: LedgerKind,
        amount_cents: int,
        note: str,
        batch_id: int | None,
        now: datetime,
    ) -> LedgerEntry:
        """Append a bonus or adjustment."""

        async def operation(connection: aiosqlite.Connection) -> sqlite3.Row:
            return _first(
                await connection.execute_fetchall(
                    "INSERT INTO ledger (writer_id, kind, amount_cents, batch_id, note, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                    (writer_id, kind.value, amount_cents, batch_id, note, to_micros(now)),
                )
            )

        return rows.ledger_entry(await self._write(operation))

    async def ledger_entries(self, writer_id: str | None = None) -> list[LedgerEntry]:
        """The ledger, oldest first, for one writer or everyone."""
        found = await self._read(
            "SELECT * FROM ledger WHERE (:writer IS NULL OR writer_id = :writer) ORDER BY id",
            {"writer": writer_id},
        )
        return [rows.ledger_entry(row) for row in found]

    async def tally(self, start: datetime, end: datetime, writer_id: str | None) -> Tally:
        """Per-writer figures: submission counts and time from submissions, money from the ledger."""
        span = {"start": to_micros(start), "end": to_micros(end), "writer": writer_id}
        writer_filter = "" if writer_id is None else " AND writer_id = :writer"
        pay = {row[0]: row[1] for row in await self._read("SELECT id, pay_cents FROM batches")}
        work, money = await asyncio.gather(
            self._read(
                "SELECT writer_id, batch_id, count(*), sum(status = 'approved'),"
                " sum(status = 'rejected'), sum(status = 'pending'), sum(seconds_on_task)"
                " FROM submissions WHERE submitted_at >= :start AND submitted_at < :end"
                + writer_filter
                + " GROUP BY writer_id, batch_id",
                span,
            ),
            self._read(
                "SELECT writer_id, kind, sum(amount_cents) FROM ledger"
                " WHERE created_at >= :start AND created_at < :end"
                + writer_filter
                + " GROUP BY writer_id, kind",
                span,
                second=True,
            ),
        )
        return rows.tally(start, end, work, money, pay)

    async def export_rows(self, batch_id: int) -> AsyncIterator[dict[str, Any]]:
        """Every submission of a batch joined with its task, review and batch, in id order."""
        if self._reader is None:
            raise RuntimeError("the store is not open")
        async with self._reader.execute(
            "SELECT s.id AS submission_id, t.external_id, t.payload_json, t.gold_json,"
            " s.writer_id, s.submitted_at,"
            " s.seconds_on_task, s.status, s.answers_json, s.gold_correct, r.reviewer_id,"
            " r.reviewed_at, r.reason, r.automatic, b.name AS batch, b.template,"
            " b.template_version, p.name AS project"
            " FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " JOIN batches AS b ON b.id = s.batch_id JOIN projects AS p ON p.id = b.project_id"
            " LEFT JOIN reviews AS r ON r.submission_id = s.id"
            " WHERE s.batch_id = ? ORDER BY s.id",
            (batch_id,),
        ) as cursor:
            cursor.arraysize = 500
            async for row in cursor:
                record = dict(row)
                record["answers"] = json.loads(record.pop("answers_json"))
                record["payload"] = json.loads(record.pop("payload_json"))
                gold = record.pop("gold_json")
                record["gold"] = None if gold is None else json.loads(gold)
                yield record

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


async def _held_at_limit(
    connection: aiosqlite.Connection, writer_id: str, max_active: int
) -> tuple[sqlite3.Row, sqlite3.Row] | None:
    """The writer's oldest live lease and its task, when they hold `max_active` or more."""
    held = list(
        await connection.execute_fetchall(
            "SELECT * FROM assignments WHERE writer_id = ? AND state = 'active' ORDER BY id",
            (writer_id,),
        )
    )
    if len(held) < max_active:
        return None
    task = await connection.execute_fetchall(
        "SELECT * FROM tasks WHERE id = ?", (held[0]["task_id"],)
    )
    return held[0], _first(task)


def _first(found: Iterable[sqlite3.Row]) -> sqlite3.Row:
    """The first row of a statement that always returns one."""
    return next(iter(found))


async def _explain_unsubmittable(
    connection: aiosqlite.Connection, assignment_id: int, writer_id: str, now: int | None = None
) -> None:
    """Raise the error that says why this assignment cannot be answered or ended."""
    found = list(
        await connection.execute_fetchall(
            "SELECT a.writer_id, a.state, a.lease_expires_at, b.state, b.deadline"
            " FROM assignments AS a JOIN batches AS b ON b.id = a.batch_id WHERE a.id = ?",
            (assignment_id,),
        )
    )
    explain_unsubmittable(found[0] if found else None, assignment_id, writer_id, now)
