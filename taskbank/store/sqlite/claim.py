"""SQLite's claim: one INSERT … SELECT across every candidate batch, returning the task with it.

One writer connection runs every write one after another, so the lease count in the claim's own
statement is exact: no other claim can commit between the count and the insert. Each (batch, kind
of task) pair a claim may try — batches in priority order, and within a batch the kinds gold
mixing asks for ('any', or 'gold'/'plain' in a comma-separated order) — is one arm of a UNION ALL
under LIMIT 1, so SQLite stops at the first arm that finds a task: one statement however many
batches are tried, where there used to be one per batch. The task's own columns come back in the
RETURNING clause (primary-key look-ups of the row just claimed), so no second statement fetches it.
The overlap CHECK on `tasks.open_slots` and UNIQUE (task_id, writer_id) stay the last word.

Each arm also refuses, on its own, a batch that is not open or past its deadline, a writer paused
on it, a project whose terms the writer has not accepted, a claim over the project's budget cap
and one past the writer's live-lease limit: whatever list of batches a claim was planned from
(TaskBank plans from a moment-old cached list), the statement lets through only what the
database allows at the moment it runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

_CLAIM = """
INSERT INTO assignments (task_id, batch_id, writer_id, state, claimed_at, lease_expires_at)
{arms}
LIMIT 1
RETURNING *,
  (SELECT external_id FROM tasks WHERE tasks.id = task_id) AS task_external_id,
  (SELECT payload_json FROM tasks WHERE tasks.id = task_id) AS task_payload_json,
  (SELECT gold_json FROM tasks WHERE tasks.id = task_id) AS task_gold_json,
  0 AS existing
"""
_CLAIM_ARM = """
SELECT task_id, batch_id, :writer, 'active', :now, :now + lease_seconds * 1000000 FROM (
SELECT t.id AS task_id, t.batch_id, b.lease_seconds
FROM batches AS b JOIN tasks AS t ON t.batch_id = b.id
WHERE b.id = :batch{n} AND b.state = 'open' AND t.open_slots > 0 {kind}
  AND (b.deadline IS NULL OR b.deadline > :now)
  AND (SELECT count(*) FROM assignments AS held
       WHERE held.writer_id = :writer AND held.state = 'active') < :max_active
  AND NOT EXISTS (
      SELECT 1 FROM assignments AS mine WHERE mine.task_id = t.id AND mine.writer_id = :writer)
  AND NOT EXISTS (
      SELECT 1 FROM writer_pauses AS wp
      WHERE wp.batch_id = b.id AND wp.writer_id = :writer AND wp.reinstated_at IS NULL)
  AND (SELECT p.terms IS NULL OR EXISTS (
         SELECT 1 FROM terms_acceptances AS ta WHERE ta.project_id = p.id AND ta.writer_id = :writer)
       FROM projects AS p WHERE p.id = b.project_id)
  {budget}
ORDER BY t.id
LIMIT 1)
"""
_KIND_FILTER = {
    "any": "",
    "gold": "AND t.gold_json IS NOT NULL",
    "plain": "AND t.gold_json IS NULL",
}
# Money already paid for the project plus every claim that may still be paid, plus this one.
_WITHIN_BUDGET = """
  AND (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger AS l
       JOIN batches AS lb ON lb.id = l.batch_id WHERE lb.project_id = b.project_id)
    + (SELECT coalesce(sum(ab.pay_cents), 0) FROM assignments AS a
       JOIN batches AS ab ON ab.id = a.batch_id
       LEFT JOIN submissions AS s ON s.assignment_id = a.id
       WHERE ab.project_id = b.project_id AND (a.state = 'active' OR s.status = 'pending'))
    + b.pay_cents <= :cap{n}
"""
_HELD = """
SELECT a.*, t.external_id AS task_external_id, t.payload_json AS task_payload_json,
       t.gold_json AS task_gold_json, 1 AS existing
FROM assignments AS a JOIN tasks AS t ON t.id = a.task_id
WHERE a.writer_id = ? AND a.state = 'active' ORDER BY a.id
"""


@lru_cache(maxsize=256)
def claim_sql(plan: tuple[tuple[str, bool], ...]) -> str:
    """The claim statement for a plan: per batch, in order, (kinds of task to try, whether the
    batch's project has a budget cap). The text depends only on the plan's shape, so a few
    shapes cover every claim and SQLite's statement cache keeps them prepared."""
    arms = [
        _CLAIM_ARM.format(
            n=number,
            kind=_KIND_FILTER[kind],
            budget=_WITHIN_BUDGET.format(n=number) if budget else "",
        )
        for number, (order, budget) in enumerate(plan)
        for kind in order.split(",")
    ]
    return _CLAIM.format(arms="UNION ALL".join(arms))


def claim_params(
    writer_id: str,
    batch_ids: Sequence[int],
    caps: Mapping[int, int],
    moment: int,
    max_active: int,
) -> dict[str, Any]:
    """The statement's arguments: the batches (and caps) numbered in plan order."""
    params: dict[str, Any] = {"writer": writer_id, "now": moment, "max_active": max_active}
    for number, batch_id in enumerate(batch_ids):
        params[f"batch{number}"] = batch_id
        if batch_id in caps:
            params[f"cap{number}"] = caps[batch_id]
    return params


def claim_on(
    connection: sqlite3.Connection,
    writer_id: str,
    batch_ids: Sequence[int],
    caps: Mapping[int, int],
    moment: int,
    max_active: int = 1,
    orders: Sequence[str] | None = None,
) -> sqlite3.Row | None:
    """Claim on the writer connection: the new assignment with its task's columns, or the
    writer's oldest live lease when they already hold `max_active`, or None."""
    if not batch_ids:
        return _held_at_limit(connection, writer_id, max_active)
    kinds = list(orders) if orders is not None else ["any"] * len(batch_ids)
    plan = tuple(
        (order, batch_id in caps) for batch_id, order in zip(batch_ids, kinds, strict=True)
    )
    found = connection.execute(
        claim_sql(plan), claim_params(writer_id, batch_ids, caps, moment, max_active)
    ).fetchall()  # all of it: a RETURNING statement finishes only when read out
    if found:
        return found[0]
    # Nothing taken: either no task is free, or the writer is at the limit (then every arm
    # refused). Only this slow path pays for a second look.
    return _held_at_limit(connection, writer_id, max_active)


def _held_at_limit(
    connection: sqlite3.Connection, writer_id: str, max_active: int
) -> sqlite3.Row | None:
    """The writer's oldest live lease with its task, when they hold `max_active` or more."""
    held = connection.execute(_HELD, (writer_id,)).fetchall()
    return held[0] if len(held) >= max_active else None
