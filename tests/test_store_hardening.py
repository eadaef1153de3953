"""Rules the databases enforce themselves, against raw SQL too: the ledger and the verdicts
cannot be rewritten, an import is stored whole or not at all, values a database cannot hold are
refused as taskbank errors, and a lease taken before a batch stopped may be finished."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot import render
from taskbank.batchfile import BatchSettings, ParsedBatch, TaskSpec
from taskbank.clock import ManualClock
from taskbank.errors import LeaseLost, NothingToClaim, ValidationFailed
from taskbank.models import BatchState, LedgerKind, Verdict
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import TONE_ANSWER, header, tone_batch
from tests.inspect_db import query

LEDGER_ROWS = "SELECT id, writer_id, kind, amount_cents, submission_id FROM ledger ORDER BY id"
LEDGER_COLUMNS = "(id, writer_id, kind, amount_cents, submission_id, batch_id, note, created_at)"


async def paid_and_rejected(bank):
    """A batch with one approved (40¢ earned) and one rejected submission, and a bonus."""
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    submissions = []
    for writer in ("w1", "w2"):
        claimed = await bank.claim(writer)
        result = await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, f"k-{writer}")
        submissions.append(result.submission)
    await bank.record_review(submissions[0].id, "rev", Verdict.APPROVED)
    await bank.record_review(submissions[1].id, "rev", Verdict.REJECTED, "off tone")
    await bank.add_ledger_entry("w2", LedgerKind.BONUS, 100, "first week")
    return submissions


SQLITE_LEDGER_REWRITES = [
    f"INSERT OR REPLACE INTO ledger {LEDGER_COLUMNS} VALUES (1, 'w1', 'earned', 999999, 1, 1, '', 0)",
    f"REPLACE INTO ledger {LEDGER_COLUMNS} VALUES (1, 'w1', 'earned', 999999, 1, 1, '', 0)",
    "REPLACE INTO ledger (writer_id, kind, amount_cents, submission_id, batch_id, created_at)"
    " VALUES ('w1', 'earned', 999999, 1, 1, 0)",
    f"INSERT INTO ledger {LEDGER_COLUMNS} VALUES (1, 'w1', 'earned', 5, 1, 1, '', 0)"
    " ON CONFLICT (id) DO UPDATE SET amount_cents = 999999",
    "INSERT INTO ledger (writer_id, kind, amount_cents, submission_id, batch_id, created_at)"
    " VALUES ('w1', 'earned', 5, 1, 1, 0)"
    " ON CONFLICT (submission_id) WHERE kind = 'earned' DO UPDATE SET amount_cents = 999999",
    f"INSERT OR IGNORE INTO ledger {LEDGER_COLUMNS} VALUES (2, 'w9', 'bonus', 999999, NULL, 1, '', 0)",
    "UPDATE OR REPLACE ledger SET amount_cents = 999999",
    "DELETE FROM ledger",
    f"INSERT INTO ledger {LEDGER_COLUMNS} VALUES (-1, 'w9', 'bonus', 999999, NULL, 1, '', 0)",
    f"INSERT INTO ledger {LEDGER_COLUMNS} VALUES (0, 'w9', 'bonus', 999999, NULL, 1, '', 0)",
]


@pytest.mark.parametrize("statement", SQLITE_LEDGER_REWRITES)
async def test_sqlite_refuses_every_statement_that_would_rewrite_the_ledger(tmp_path, statement):
    store = SqliteStore(tmp_path / "ledger.db")
    await store.open()
    try:
        await paid_and_rejected(TaskBank(store))
        before = await query(store, LEDGER_ROWS)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await query(store, statement)
        assert await query(store, LEDGER_ROWS) == before
        assert [row[3] for row in before] == [40, 100]
    finally:
        await store.close()


async def test_sqlite_keeps_the_first_verdict_and_the_first_answer(tmp_path):
    store = SqliteStore(tmp_path / "verdicts.db")
    await store.open()
    try:
        _paid, rejected = await paid_and_rejected(TaskBank(store))
        ledger = await query(store, LEDGER_ROWS)
        reviews = await query(store, "SELECT * FROM reviews ORDER BY id")
        submissions = await query(store, "SELECT * FROM submissions ORDER BY id")
        # A rejection replaced by an approval would pay: the second verdict is ignored.
        await query(
            store,
            "REPLACE INTO reviews (id, submission_id, reviewer_id, verdict, reason, reviewed_at,"
            f" automatic) VALUES (2, {rejected.id}, 'x', 'approved', NULL, 0, 0)",
        )
        await query(
            store,
            "INSERT OR REPLACE INTO submissions (assignment_id, task_id, batch_id, writer_id,"
            " client_key, answers_json, submitted_at, seconds_on_task)"
            f" VALUES ({rejected.assignment_id}, 2, 1, 'w2', 'k-w2', '{{}}', 0, 0)",
        )
        for statement in (
            "UPDATE reviews SET verdict = 'approved', reason = NULL",
            "DELETE FROM reviews",
            "DELETE FROM submissions",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                await query(store, statement)
        assert await query(store, "SELECT * FROM reviews ORDER BY id") == reviews
        assert await query(store, "SELECT * FROM submissions ORDER BY id") == submissions
        assert await query(store, LEDGER_ROWS) == ledger
    finally:
        await store.close()


POSTGRES_LEDGER_REWRITES = [
    "TRUNCATE ledger",
    "TRUNCATE ledger CASCADE",
    "TRUNCATE submissions CASCADE",
    "TRUNCATE reviews, ledger",
    "TRUNCATE batches CASCADE",
    f"INSERT INTO ledger {LEDGER_COLUMNS} VALUES (1, 'w1', 'earned', 5, 1, 1, '', 0)"
    " ON CONFLICT (id) DO UPDATE SET amount_cents = 999999",
    "INSERT INTO ledger (writer_id, kind, amount_cents, submission_id, batch_id, created_at)"
    " VALUES ('w1', 'earned', 5, 1, 1, 0)"
    " ON CONFLICT (submission_id) WHERE kind = 'earned' DO UPDATE SET amount_cents = 999999",
    "UPDATE ledger SET amount_cents = 999999",
    "DELETE FROM ledger",
    "MERGE INTO ledger USING (SELECT 1 AS id) AS s ON ledger.id = s.id"
    " WHEN MATCHED THEN UPDATE SET amount_cents = 999999",
    "MERGE INTO ledger USING (SELECT 1 AS id) AS s ON ledger.id = s.id WHEN MATCHED THEN DELETE",
    "UPDATE reviews SET verdict = 'approved', reason = NULL",
    "DELETE FROM reviews",
    "DELETE FROM submissions",
]


@pytest.mark.parametrize("statement", POSTGRES_LEDGER_REWRITES)
async def test_postgresql_refuses_every_statement_that_would_rewrite_the_ledger(statement):
    from taskbank.service import TaskBank
    from taskbank.store.postgres import PostgresStore
    from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema

    schema = await postgres_schema()
    store = PostgresStore(POSTGRES_URL, schema=schema, min_size=1, max_size=2)
    try:
        await store.open()
        await paid_and_rejected(TaskBank(store))
        before = await query(store, LEDGER_ROWS)
        reviews = await query(store, "SELECT * FROM reviews ORDER BY id")
        with pytest.raises(asyncpg.IntegrityConstraintViolationError):
            await store.pool.execute(statement)
        assert await query(store, LEDGER_ROWS) == before
        assert await query(store, "SELECT * FROM reviews ORDER BY id") == reviews
        assert [row[3] for row in before] == [40, 100]
    finally:
        await store.close()
        await drop_schema(schema)


# -- an import is stored whole or not at all ---------------------------------------------------


def parsed(tasks: list[TaskSpec], **overrides) -> ParsedBatch:
    """A batch as the parser would hand it over, for a new project with terms and a budget."""
    fields = header(**overrides)
    if "project" not in overrides:
        fields["project"] = {
            "name": "Fresh project",
            "terms": "First terms",
            "budget_cap_cents": 1000,
        }
    settings = BatchSettings.model_validate(fields)
    return ParsedBatch(settings, tasks)


def tone(external_id: str, excerpt: str = "A: Hi.\nB: Bye.") -> TaskSpec:
    return TaskSpec(external_id, {"excerpt": excerpt})


async def row_counts(store) -> tuple[int, int, int]:
    found = []
    for table in ("projects", "batches", "tasks"):
        found.append((await query(store, f"SELECT count(*) FROM {table}"))[0][0])
    return tuple(found)


async def test_a_task_the_database_refuses_leaves_no_project_batch_or_task(bank, store):
    tasks = [tone(f"t{i}") for i in range(500)] + [tone("t7")]  # t7 twice: UNIQUE refuses it
    with pytest.raises(ValidationFailed, match="'t7'"):
        await bank.create_batch(parsed(tasks))
    assert await row_counts(store) == (0, 0, 0)
    # The project's terms and budget did not stick: the next import sets them.
    fixed = parsed([tone("t1")], project={"name": "Fresh project", "terms": "Second terms"})
    batch = await bank.create_batch(fixed)
    project = await bank.project(batch.project_id)
    assert (project.terms, project.budget_cap_cents) == ("Second terms", None)


async def test_a_duplicate_batch_name_adds_no_row(bank, store):
    await bank.create_batch(parsed([tone("t1")]))
    before = await row_counts(store)
    with pytest.raises(ValidationFailed, match="already exists"):
        await bank.create_batch(parsed([tone("t2"), tone("t3")]))
    assert await row_counts(store) == before


@pytest.mark.parametrize(
    ("tasks", "overrides", "field"),
    [
        ([tone("bad\x00id")], {}, "id"),
        ([tone("t1", "A: caf\udce9")], {}, "payload"),
        ([tone("t1")], {"name": "tone\x00pass"}, "batch.name"),
        ([tone("t1")], {"project": {"name": "Noir", "terms": "Be\x00kind"}}, "project.terms"),
        ([tone("lone \ud800 surrogate")], {}, "id"),
    ],
)
async def test_text_no_database_can_hold_is_refused_naming_the_field(
    bank, store, tasks, overrides, field
):
    with pytest.raises(ValidationFailed) as refused:
        await bank.create_batch(parsed(tasks, **overrides))
    assert [p.field for p in refused.value.problems] == [field]
    assert await row_counts(store) == (0, 0, 0)


async def test_postgresql_refuses_a_nul_in_other_text_as_a_taskbank_error(bank, store):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("w1")
    result = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    if isinstance(store, SqliteStore):
        pytest.skip("SQLite can hold a NUL in text")
    with pytest.raises(ValidationFailed, match="NUL"):
        await bank.add_ledger_entry("w1", LedgerKind.BONUS, 5, "thanks\x00")
    # A reason is refused before the store sees it (answer_text.written_note), on both stores.
    with pytest.raises(ValidationFailed, match=r"U\+0000"):
        await bank.record_review(result.submission.id, "rev", Verdict.REJECTED, "no\x00pe")
    assert await query(store, "SELECT count(*) FROM reviews") == [(0,)]


# -- work on a batch stopped after the claim ---------------------------------------------------


@pytest.mark.parametrize("stop", [BatchState.PAUSED, BatchState.CLOSED])
async def test_a_lease_taken_before_a_pause_or_close_may_be_finished_and_is_paid(
    bank, store, clock, stop
):
    batch = await bank.import_batch(tone_batch(5), filename="b.jsonl")
    claimed = await bank.claim("w1")
    await bank.set_batch_state(batch.id, stop)
    await bank.save_draft(claimed.assignment.id, "w1", {"tone": "tense"})  # drafts still kept
    clock.advance(minutes=10)
    result = await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    assert not result.replayed
    await bank.record_review(result.submission.id, "rev", Verdict.APPROVED)
    assert [e.amount_cents for e in await bank.store.ledger_entries("w1")] == [40]
    with pytest.raises(NothingToClaim, match="no batch is open"):
        await bank.claim("w2")
    other = await bank.import_batch(tone_batch(1, name="other"), filename="o.jsonl")
    with pytest.raises(NothingToClaim, match=f"batch {batch.id} is not open"):
        await bank.claim("w2", batch_id=batch.id)
    assert (await bank.claim("w2")).batch.id == other.id


@pytest.mark.parametrize("stop", [BatchState.PAUSED, BatchState.CLOSED])
async def test_after_the_lease_runs_out_a_stopped_batch_takes_no_answer(bank, clock, stop):
    batch = await bank.import_batch(tone_batch(5, lease_minutes=30), filename="b.jsonl")
    claimed = await bank.claim("w1")
    await bank.set_batch_state(batch.id, stop)
    clock.advance(minutes=31)
    with pytest.raises(LeaseLost, match=f"coordinator {stop.value} its batch"):
        await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")
    await bank.expire_leases()
    with pytest.raises(LeaseLost, match=f"coordinator {stop.value} its batch"):
        await bank.submit(claimed.assignment.id, "w1", TONE_ANSWER, "k1")


async def test_a_lease_taken_before_the_deadline_may_be_finished_until_it_ends(store):
    clock = ManualClock(datetime(2030, 3, 1, 9, 0, tzinfo=UTC))
    bank = TaskBank(store, clock=clock)
    deadline = (clock.now() + timedelta(minutes=10)).isoformat()
    await bank.import_batch(tone_batch(5, deadline=deadline, lease_minutes=30), filename="b.jsonl")
    early = await bank.claim("w1")
    late = await bank.claim("w2")
    clock.advance(minutes=20)  # past the deadline, inside both leases
    with pytest.raises(NothingToClaim, match="past their deadline"):
        await bank.claim("w3")
    result = await bank.submit(early.assignment.id, "w1", TONE_ANSWER, "k1")
    assert not result.replayed
    clock.advance(minutes=15)  # both leases have run out now
    with pytest.raises(LeaseLost, match="deadline passed"):
        await bank.submit(late.assignment.id, "w2", TONE_ANSWER, "k2")


async def test_the_writers_card_says_a_stopped_batch_may_still_be_finished(bank, clock):
    batch = await bank.import_batch(tone_batch(2), filename="b.jsonl")
    claimed = await bank.claim("w1")
    card = render.task_card(claimed, {}, "UTC", "USD", now=clock.now())
    assert not any("coordinator" in block for block in card.blocks)
    await bank.set_batch_state(batch.id, BatchState.PAUSED)
    card = render.task_card(await bank.claimed(claimed.assignment.id), {}, "UTC", "USD")
    until = render.local_time(claimed.assignment.lease_expires_at, "UTC")
    assert card.blocks[0] == (
        "This batch was paused by the coordinator: no new tasks, but you may finish this one"
        f" until {until}."
    )
    assert card.tone == "warning"
