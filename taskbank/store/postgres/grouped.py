"""Group commit on PostgreSQL: claims (and submits) that arrive in the same turn of the event loop
run as ONE statement in autocommit — one round trip, one transaction, one commit — instead of
one each.

Each caller hears back only after that commit. A group is optimistic: when its statement fails
(an overlap CHECK two of its answers raced for, a deadlock with another group), nothing of it
was committed, and each operation runs again alone, so one operation's failure reaches only its
own caller. (A savepoint per operation would cost a subtransaction each, and past 64 of them
every other backend's snapshots slow down; failures are rare, so the retry is cheaper.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from taskbank.store.records import NewSubmission
from taskbank.store.runner import Row

A = TypeVar("A")
R = TypeVar("R")


@dataclass(frozen=True)
class Refused:
    """What `together` gives for a call it answers with an error (found after the commit, so
    the group is not run again)."""

    error: Exception


class Group(Generic[A, R]):
    """Collects calls made in one loop turn and runs them with `together` (a list in, a list of
    results in the same order out), at most `most` at a time, with at most `flights` groups
    running at once (calls that arrive meanwhile wait for the next group, which is how groups
    grow under load); a lone call, or every call of a group that failed, runs with `alone`."""

    def __init__(
        self,
        together: Callable[[list[A]], Awaitable[Sequence[R | Refused]]],
        alone: Callable[[A], Awaitable[R]],
        *,
        most: int = 50,
        flights: int = 2,
    ) -> None:
        if most < 1 or flights < 1:
            raise ValueError("a group holds at least one call, and at least one group runs")
        self._together = together
        self._alone = alone
        self._most = most
        self._flights = flights
        self._waiting: list[tuple[A, asyncio.Future[R]]] = []
        self._running = 0
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.calls = 0  # calls made, and of them, those answered by a group's statement
        self.grouped = 0

    async def __call__(self, item: A) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self.calls += 1
        self._waiting.append((item, future))
        self._schedule()
        return await future

    def _schedule(self) -> None:
        # call_soon runs after every task woken in this turn, so they all join the group.
        if self._waiting and not self._scheduled and self._running < self._flights:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._start)

    def _start(self) -> None:
        self._scheduled = False
        if not self._waiting or self._running >= self._flights:
            return
        taken, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
        self._running += 1
        task = asyncio.get_running_loop().create_task(self._run(taken))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._schedule()  # more than one group's worth waiting: a free flight takes the next

    async def _run(self, taken: list[tuple[A, asyncio.Future[R]]]) -> None:
        try:
            if len(taken) > 1:
                try:
                    results = await self._together([item for item, _ in taken])
                except Exception:  # nothing was committed: each runs again on its own
                    pass
                else:
                    self.grouped += len(taken)
                    for (_, future), result in zip(taken, results, strict=True):
                        if future.done():
                            continue
                        if isinstance(result, Refused):
                            future.set_exception(result.error)
                        else:
                            future.set_result(result)
                    return
            await asyncio.gather(*(self._one(item, future) for item, future in taken))
        except asyncio.CancelledError:  # the store is closing: tell every caller
            for _, future in taken:
                future.cancel()
            raise
        finally:
            self._running -= 1
            self._schedule()

    async def _one(self, item: A, future: asyncio.Future[R]) -> None:
        try:
            result = await self._alone(item)
        except Exception as error:
            if not future.done():
                future.set_exception(error)
        else:
            if not future.done():
                future.set_result(result)


# -- the statements ------------------------------------------------------------------------------

# An answer is taken while the lease runs, whatever happened to the batch meanwhile (a lease taken
# before a pause, a close or the deadline may be finished); a late one only while the batch is
# open and nobody has taken the slot.
SUBMIT = """
INSERT INTO submissions (assignment_id, task_id, batch_id, writer_id, client_key, answers_json,
                         submitted_at, seconds_on_task, gold_correct)
SELECT a.id, a.task_id, a.batch_id, a.writer_id, $3, $4, $5,
       greatest(0, ($5 - a.claimed_at) / 1000000), $6
FROM assignments AS a JOIN tasks AS t ON t.id = a.task_id JOIN batches AS b ON b.id = a.batch_id
WHERE a.id = $1 AND a.writer_id = $2
  AND (a.state = 'active' OR (a.state = 'expired' AND t.open_slots > 0))
  AND (a.lease_expires_at > $5 OR (b.state = 'open' AND (b.deadline IS NULL OR b.deadline > $5)))
ON CONFLICT DO NOTHING
RETURNING *
"""

# One claim alone: claim_task (migration 0008, its pick as in 0010).
CLAIM = "SELECT * FROM claim_task($1, $2::bigint[], $3::bigint[], $4, $5, $6::text[])"

# The claims of a group: claim_tasks (migration 0010) calls claim_task once per claim, in order,
# in the statement's one transaction; each claim's batches, caps and kinds are the slice
# [first, last] of the flat arrays. A claim sees the claims before it (its own writer's lease,
# the slots they took), as it would have after their commits.
CLAIM_TOGETHER = (
    "SELECT * FROM claim_tasks($1::text[], $2::bigint[], $3::integer[], $4::integer[],"
    " $5::integer[], $6::bigint[], $7::bigint[], $8::text[])"
)


@dataclass(frozen=True)
class ClaimCall:
    """One claim's arguments, as PostgresStore.claim takes them (`now` in microseconds)."""

    writer_id: str
    batch_ids: tuple[int, ...]
    caps: tuple[int | None, ...]
    now: int
    max_active: int
    kinds: tuple[str, ...]


def claim_arguments(calls: Sequence[ClaimCall]) -> list[list[Any]]:
    """claim_tasks' eight arrays for a group of claims."""
    firsts, lasts, batches, caps, kinds = [], [], [], [], []
    for call in calls:
        firsts.append(len(batches) + 1)
        batches.extend(call.batch_ids)
        caps.extend(call.caps)
        kinds.extend(call.kinds)
        lasts.append(len(batches))
    writers = [call.writer_id for call in calls]
    nows = [call.now for call in calls]
    maxes = [call.max_active for call in calls]
    return [writers, nows, maxes, firsts, lasts, batches, caps, kinds]


def claim_alone_arguments(call: ClaimCall) -> list[Any]:
    """CLAIM's six arguments for a claim alone."""
    return [
        call.writer_id,
        list(call.batch_ids),
        list(call.caps),
        call.now,
        call.max_active,
        list(call.kinds),
    ]


def claims_by_call(found: Sequence[Row], count: int) -> list[Row | None]:
    """claim_tasks' rows (each tagged with its claim's 1-based `op`) in call order; None for a
    claim that found nothing."""
    answers: list[Row | None] = [None] * count
    for row in found:
        answers[row["op"] - 1] = row
    return answers


# The answers of a group in one INSERT: SUBMIT's conditions, each against its own row of the
# arrays, in call order (so of two answers to one assignment the first is kept, as it would
# have been committed first).
SUBMIT_TOGETHER = """
INSERT INTO submissions (assignment_id, task_id, batch_id, writer_id, client_key, answers_json,
                         submitted_at, seconds_on_task, gold_correct)
SELECT a.id, a.task_id, a.batch_id, a.writer_id, n.client_key, n.answers_json, n.now,
       greatest(0, (n.now - a.claimed_at) / 1000000), n.gold
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::integer[])
     WITH ORDINALITY AS n(assignment_id, writer_id, client_key, answers_json, now, gold, position)
JOIN assignments AS a ON a.id = n.assignment_id AND a.writer_id = n.writer_id
JOIN tasks AS t ON t.id = a.task_id JOIN batches AS b ON b.id = a.batch_id
WHERE (a.state = 'active' OR (a.state = 'expired' AND t.open_slots > 0))
  AND (a.lease_expires_at > n.now OR (b.state = 'open' AND (b.deadline IS NULL OR b.deadline > n.now)))
ORDER BY n.position
ON CONFLICT DO NOTHING
RETURNING *
"""


@dataclass(frozen=True)
class SubmitCall:
    """One answer to store (`now` in microseconds, `gold` 0/1/None)."""

    new: NewSubmission
    answers_json: str
    now: int
    gold: int | None

    @property
    def key(self) -> tuple[str, int, str]:
        return self.new.client_key, self.new.assignment_id, self.new.writer_id


def submit_arguments(calls: Sequence[SubmitCall]) -> list[list[Any]]:
    """SUBMIT_TOGETHER's six arrays for a group of answers."""
    return [
        [call.new.assignment_id for call in calls],
        [call.new.writer_id for call in calls],
        [call.new.client_key for call in calls],
        [call.answers_json for call in calls],
        [call.now for call in calls],
        [call.gold for call in calls],
    ]


def submit_alone_arguments(call: SubmitCall) -> list[Any]:
    """SUBMIT's six arguments for an answer alone."""
    new = call.new
    return [
        new.assignment_id,
        new.writer_id,
        new.client_key,
        call.answers_json,
        call.now,
        call.gold,
    ]


def submissions_by_call(inserted: Sequence[Row], calls: Sequence[SubmitCall]) -> list[Row | None]:
    """The row each answer stored, in call order; None for one that stored nothing (a repeat,
    or a refusal: the caller looks it up after the commit)."""
    stored = {(row["client_key"], row["assignment_id"], row["writer_id"]): row for row in inserted}
    return [stored.pop(call.key, None) for call in calls]
