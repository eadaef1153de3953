"""Every index of the PostgreSQL schema with the statement whose plan reads through it.

Run: python -m benchmarks.index_plans --store postgresql://127.0.0.1:5432/test

In a throw-away schema: a 20,000-task bank (some gold), 2,000 claims+submits through TaskBank,
one review, then ANALYZE, so the planner sees tables of a realistic shape. Each statement then
runs once with real arguments inside a transaction that is rolled back, with `auto_explain`
reporting the plan of every statement it executes — nested ones too, so the claim's PL/pgSQL
and the triggers show their plans. Prints, per index, the statement and its plan line; then the
indexes no listed statement reads through (UNIQUE ones still enforce their rule on every write).
"big" marks a plan that, on this small bank, reads the table whole and uses the index only with
enable_seqscan off (how the plan goes once the table is large).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import asyncpg

from benchmarks.measure import claim_submit, settings_for
from bot.bootstrap import build_bank
from bot.config import Config
from taskbank.batchfile import ParsedBatch, TaskSpec
from taskbank.store.fairwork import _HOLDS
from taskbank.store.postgres import PostgresStore
from taskbank.store.postgres.grouped import CLAIM, SUBMIT

NOW = 2_000_000_000_000_000  # microseconds, later than anything the bank holds
W = "plan-w1"  # a writer of the bank (claim_submit names them plan-w0, plan-w1, …)


def statements(batch: int, assignment: int) -> list[tuple[str, str, str, tuple[Any, ...]]]:
    """(index, where the statement lives, statement, arguments)."""
    claim = (W, [batch], [None], NOW, 1)
    return [
        ("tasks_claimable", "postgres claim_task ('any')", CLAIM, (*claim, ["any"])),
        ("tasks_gold_claimable", "postgres claim_task ('gold')", CLAIM, (*claim, ["gold"])),
        ("tasks_plain_claimable", "postgres claim_task ('plain')", CLAIM, (*claim, ["plain"])),
        (
            "assignments_task_id_writer_id_key",
            "claim_task: never the same task twice (0010: one probe per task)",
            CLAIM,
            (*claim, ["any"]),
        ),
        (
            "assignments_by_writer",
            "claim_task's live-lease count; claims.py active_assignments",
            "SELECT * FROM assignments WHERE writer_id = $1 AND state = 'active' ORDER BY id",
            (W,),
        ),
        (
            "assignments_live_leases",
            "claims.py expire_leases",
            "UPDATE assignments SET state = 'expired', ended_at = lease_expires_at"
            " WHERE state = 'active' AND lease_expires_at <= $1 RETURNING *",
            (NOW,),
        ),
        (
            "assignments_by_batch",
            "batches.py batch progress",
            "SELECT state, count(*) FROM assignments WHERE batch_id = $1 GROUP BY state",
            (batch,),
        ),
        (
            "assignments_ended",
            "fairwork.py holds in a period",
            _HOLDS.format(writer=""),
            (NOW - 1, NOW),
        ),
        (
            "assignments_pkey",
            "postgres submit (the assignment it answers)",
            SUBMIT,
            (assignment, "plan-w0", "plan-key", "{}", NOW, None),
        ),
        (
            "submissions_assignment_id_key",
            "submissions.py answered_before; claim_task's budget cap",
            "SELECT * FROM submissions WHERE client_key = $1 OR assignment_id = $2"
            " ORDER BY (assignment_id = $2) DESC LIMIT 1",
            ("plan-key", assignment),
        ),
        (
            "submissions_client_key_key",
            "submissions.py answered_before",
            "SELECT * FROM submissions WHERE client_key = $1 OR assignment_id = $2"
            " ORDER BY (assignment_id = $2) DESC LIMIT 1",
            ("plan-key", assignment),
        ),
        (
            "submissions_by_period",
            "postgres tally, work half (covering)",
            "SELECT writer_id, batch_id, count(*), count(*) FILTER (WHERE status = 'approved'),"
            " sum(seconds_on_task)::bigint FROM submissions WHERE submitted_at >= $1"
            " AND submitted_at < $2 AND ($3::text IS NULL OR writer_id = $3) GROUP BY writer_id, batch_id",
            (NOW - 60_000_000, NOW, None),
        ),
        (
            "submissions_pending",
            "reviews.py unsampled_submissions (QA sample)",
            "SELECT s.* FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " WHERE s.status = 'pending' AND s.sampled_at IS NULL AND t.gold_json IS NULL"
            " AND ($1::bigint IS NULL OR s.batch_id = $1) ORDER BY s.submitted_at, s.id LIMIT 20",
            (None,),
        ),
        (
            "submissions_by_batch",
            "reports.py export_rows; quality answers",
            "SELECT s.id FROM submissions AS s WHERE s.batch_id = $1 ORDER BY s.id LIMIT 100",
            (batch,),
        ),
        (
            "submissions_gold_by_writer",
            "postgres quality_flow.py a writer's gold answers",
            "SELECT id, gold_correct FROM submissions WHERE writer_id = $1 AND batch_id = $2"
            " AND gold_correct IS NOT NULL AND id > $3 ORDER BY id LIMIT $4",
            (W, batch, 0, 10),
        ),
        (
            "reviews_by_period",
            "fairwork.py automatic_rejections_since",
            "SELECT r.submission_id FROM reviews AS r WHERE r.verdict = 'rejected'"
            " AND r.automatic = 1 AND r.reviewed_at >= $1 ORDER BY r.reviewed_at, r.id",
            (NOW,),
        ),
        (
            "ledger_by_period",
            "postgres tally, money half (covering)",
            "SELECT writer_id, kind, sum(amount_cents)::bigint FROM ledger WHERE created_at >= $1"
            " AND created_at < $2 AND ($3::text IS NULL OR writer_id = $3) GROUP BY writer_id, kind",
            (NOW - 60_000_000, NOW, None),
        ),
        (
            "ledger_by_batch",
            "reports.py project_spend; claim's budget cap",
            "SELECT sum(l.amount_cents) FROM ledger AS l WHERE l.batch_id = $1",
            (batch,),
        ),
        (
            "writer_pauses_one_open",
            "claims.py claim_candidates (paused?)",
            "SELECT 1 FROM writer_pauses AS wp WHERE wp.batch_id = $1"
            " AND wp.writer_id = $2 AND wp.reinstated_at IS NULL",
            (batch, W),
        ),
        (
            "adjudications_by_batch",
            "postgres quality_flow.py adjudications of a batch",
            "SELECT task_id, answers_json FROM adjudications WHERE batch_id = $1",
            (batch,),
        ),
        (
            "appeals_open",
            "appeals.py open appeals",
            "SELECT id FROM appeals WHERE outcome = 'open' ORDER BY filed_at, id",
            (),
        ),
        (
            "deliveries_received",
            "outbox.py forget old deliveries",
            "DELETE FROM deliveries WHERE received_at < $1",
            (NOW,),
        ),
        (
            "posts_pending",
            "outbox.py pending posts of a job",
            "SELECT period_key, recipient FROM posts WHERE state = 'pending' AND job = $1",
            ("daily",),
        ),
    ]


_INDEX_IN_PLAN = re.compile(
    r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)"
)


async def plans(
    connection: asyncpg.Connection, sql: str, args: tuple[Any, ...], *, seqscan: bool = True
) -> list[str]:
    """The plan lines that name an index, of every statement `sql` executes (nested included),
    run in a transaction that is rolled back (with `seqscan` False: as if tables were large)."""
    notices: list[str] = []

    def heard(_: object, message: asyncpg.PostgresLogMessage) -> None:
        notices.append(message.message)

    connection.add_log_listener(heard)
    try:
        async with connection.transaction():
            if not seqscan:
                await connection.execute("SET LOCAL enable_seqscan = off")
            await connection.fetch(sql, *args)
            raise _RollBack
    except _RollBack:
        pass
    finally:
        connection.remove_log_listener(heard)
    return [
        line.strip()
        for text in notices
        for line in text.splitlines()
        if _INDEX_IN_PLAN.search(line)
    ]


class _RollBack(Exception):
    pass


async def populated(url: str, schema: str) -> tuple[int, int]:
    """Fill the schema as described above; (batch id, an unanswered assignment id)."""
    store = PostgresStore(url, schema=schema)
    await store.open()
    try:
        bank = build_bank(Config.model_validate({}), store=store)
        specs = [TaskSpec(f"t{i}", {"excerpt": f"A: Line {i}.\nB: Reply."}) for i in range(20_000)]
        batch = await bank.create_batch(ParsedBatch(settings_for("plans"), specs))
        await claim_submit(bank, 20, 2_000, "plan")
        claimed = await bank.claim("plan-open")
        await store.pool.execute(
            "UPDATE tasks SET gold_json = '{}' WHERE id IN (SELECT id FROM tasks ORDER BY id DESC LIMIT 200)"
        )
        await store.pool.execute("ANALYZE")
        return batch.id, claimed.assignment.id
    finally:
        await store.close()


async def run(url: str) -> None:
    schema = f"plans_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        began = time.perf_counter()
        batch, assignment = await populated(url, schema)
        connection = await asyncpg.connect(url, server_settings={"search_path": schema})
        for setting in (
            "LOAD 'auto_explain'",
            "SET auto_explain.log_min_duration = 0",
            "SET auto_explain.log_nested_statements = on",
            "SET auto_explain.log_level = notice",
            "SET client_min_messages = notice",
        ):
            await connection.execute(setting)
        indexes = await connection.fetch(
            "SELECT indexname, tablename FROM pg_indexes WHERE schemaname = $1"
            " ORDER BY tablename, indexname",
            schema,
        )
        print(f"PostgreSQL, schema {schema} (filled in {time.perf_counter() - began:.0f} s)\n")
        print(f"{'index':<36} {'used':<5} statement / plan")
        used = set()
        for index, where, sql, args in statements(batch, assignment):
            found = await plans(connection, sql, args)
            lines = [line for line in found if re.search(rf"\b{index}\b", line)]
            mark = "yes"
            if not lines:  # a small table here is read whole; the plan it gets when large:
                found = await plans(connection, sql, args, seqscan=False)
                lines = [line for line in found if re.search(rf"\b{index}\b", line)]
                mark = "big" if lines else "NO"
            if lines:
                used.add(index)
            print(f"{index:<36} {mark:<5} {where}")
            for line in lines[:1]:
                print(f"{'':<42} {line}")
        await connection.close()
        print("\nindexes no listed statement reads through (table):")
        for index, table in indexes:
            if index not in used:
                print(f"  {index} ({table})")
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()
