"""Forgetting a writer, on both stores: every ledger sum is the same before and after (the
pseudonym carries it), the old id is found in no column of any table, the export pseudonym stays,
and the append-only tables still refuse every change but the guarded rewrite."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import timedelta

import pytest

from taskbank.errors import ValidationFailed
from taskbank.models import Verdict
from tests.batches import TONE_ANSWER, tone_batch

WRITER, OTHER, REVIEWER, COORDINATOR = "test:wendy", "test:otto", "test:rita", "test:cora"


async def answered(bank, writer: str, key: str) -> int:
    claimed = await bank.claim(writer)
    bank.clock.advance(minutes=3)
    return (await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, key)).submission.id


async def busy_history(bank) -> int:
    """Wendy's work touches every kind of row: terms, holds, answers (approved, rejected and
    appealed, upheld), a bonus, a credit, a post; she also reviews Otto's answer."""
    batch = await bank.import_batch(tone_batch(6, review_rate=1.0), filename="tone.jsonl")
    await bank.accept_terms(batch.project_id, WRITER)
    await bank.terms_shown(batch.project_id, WRITER)
    approved = await answered(bank, WRITER, "a")
    await bank.record_review(approved, REVIEWER, Verdict.APPROVED)
    rejected = await answered(bank, WRITER, "b")
    await bank.record_review(rejected, REVIEWER, Verdict.REJECTED, "Not noir.")
    appeal = await bank.file_appeal(rejected, WRITER, "It is noir banter.", timedelta(days=14))
    await bank.decide_appeal(appeal.appeal.id, COORDINATOR, True)
    await answered(bank, WRITER, "c")  # pending
    skipped = await bank.claim(WRITER)
    await bank.skip(skipped.assignment.id, WRITER)
    others = await answered(bank, OTHER, "d")
    await bank.record_review(others, WRITER, Verdict.APPROVED)
    await bank.grant_bonus(WRITER, 250, "sharp notes", COORDINATOR)
    await bank.grant_bonus(OTHER, 100, "kind words", WRITER)  # her id in another's note
    await bank.set_credit(WRITER, batch_project_name(), "Wendy W")
    await bank.outbox_record("tally", "2026-03-02", WRITER)
    return batch.id


def batch_project_name() -> str:
    return "Test project"


async def sums(bank) -> tuple[dict[str, int], int, list[tuple[int, str, int, int | None]]]:
    entries = await bank.store.ledger_entries()
    per_writer: dict[str, int] = defaultdict(int)
    for entry in entries:
        per_writer[entry.writer_id] += entry.amount_cents
    rows = [(e.id, e.kind.value, e.amount_cents, e.submission_id) for e in entries]
    return dict(per_writer), sum(e.amount_cents for e in entries), rows


async def every_text_cell(store) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-null cell of every table, read as text."""
    runner = store.runner
    if type(store).__name__ == "SqliteStore":
        tables = [
            r[0] for r in await runner.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        columns = {t: [r[1] for r in await runner.fetch(f"PRAGMA table_info({t})")] for t in tables}
    else:
        found = await runner.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
        columns = defaultdict(list)
        for table, column in found:
            columns[table].append(column)
    cells = []
    for table, names in columns.items():
        for column in names:
            for row in await runner.fetch(
                f"SELECT CAST({column} AS TEXT) FROM {table} WHERE {column} IS NOT NULL"
            ):
                cells.append((table, column, row[0]))
    return cells


async def exported_writers(bank, batch_id: int) -> list[str]:
    out = io.StringIO()
    await bank.export(batch_id, out, "jsonl")
    return [json.loads(line)["writer"] for line in out.getvalue().splitlines()]


async def test_forgetting_keeps_every_ledger_sum_and_leaves_the_id_nowhere(bank):
    batch_id = await busy_history(bank)
    await bank.set_credit(WRITER, "Test project", "off")  # her rows carry her pseudonym
    before_export = await exported_writers(bank, batch_id)
    per_writer, total, rows = await sums(bank)
    assert per_writer[WRITER] == 40 + 40 + 250 and total == 40 + 40 + 250 + 40 + 100

    counts = await bank.forget_preview(WRITER)
    forgotten = await bank.forget_writer(WRITER)

    assert forgotten.changed == counts
    assert counts["ledger"] == 4 and counts["submissions"] == 3 and counts["reviews"] == 1
    assert counts["appeals"] == 1 and counts["posts"] == 1 and counts["assignments"] == 4
    after_writer, after_total, after_rows = await sums(bank)
    expected = {forgotten.pseudonym if w == WRITER else w: c for w, c in per_writer.items()}
    assert after_writer == expected and after_total == total and after_rows == rows
    leaks = [cell for cell in await every_text_cell(bank.store) if WRITER in cell[2]]
    assert leaks == []
    assert await exported_writers(bank, batch_id) == before_export  # the same pseudonym
    assert forgotten.pseudonym in before_export


async def test_forgetting_drops_a_credit_and_names_the_writer_by_pseudonym(bank):
    batch_id = await busy_history(bank)
    assert "Wendy W" in await exported_writers(bank, batch_id)
    forgotten = await bank.forget_writer(WRITER)
    assert forgotten.changed["writer_credits"] == 1
    writers = await exported_writers(bank, batch_id)
    assert "Wendy W" not in writers and forgotten.pseudonym in writers


async def test_forgetting_a_coordinator_rewrites_the_notes_that_name_them(bank):
    await busy_history(bank)
    _, total, _ = await sums(bank)
    forgotten = await bank.forget_writer(COORDINATOR)
    assert forgotten.changed["ledger"] == 1 and forgotten.changed["appeals"] == 1
    notes = [e.note for e in await bank.store.ledger_entries()]
    assert f"sharp notes (granted by {forgotten.pseudonym})" in notes
    assert (await sums(bank))[1] == total
    assert [c for c in await every_text_cell(bank.store) if COORDINATOR in c[2]] == []


async def test_unknown_and_already_forgotten_ids_are_refused(bank):
    await busy_history(bank)
    with pytest.raises(ValidationFailed, match="no writer 'test:nobody'"):
        await bank.forget_preview("test:nobody")
    forgotten = await bank.forget_writer(WRITER)
    with pytest.raises(ValidationFailed, match="already forgotten"):
        await bank.forget_writer(forgotten.pseudonym)
    with pytest.raises(ValidationFailed, match="no writer"):
        await bank.forget_writer(WRITER)


async def test_the_ledger_still_refuses_edits_outside_the_forget_path(bank):
    await busy_history(bank)
    runner = bank.store.runner
    with pytest.raises(Exception, match="append-only"):
        await runner.execute(
            "UPDATE ledger SET writer_id = 'test:mallory' WHERE writer_id = $1", WRITER
        )

    # a guard row lets an id change, never an amount or a verdict
    with pytest.raises(Exception, match="append-only"):
        await runner.write(
            _guarded(
                "UPDATE ledger SET amount_cents = amount_cents + 1, writer_id = 'w-x' WHERE writer_id = $1"
            )
        )
    with pytest.raises(Exception, match="first verdict stands"):
        await runner.write(
            _guarded(
                "UPDATE reviews SET reviewed_at = reviewed_at + 1, reviewer_id = 'w-x' WHERE reviewer_id = $1"
            )
        )
    assert await runner.fetch("SELECT * FROM forgetting") == []


def _guarded(sql: str):
    from taskbank.store.runner import execute

    def operation():
        yield execute("INSERT INTO forgetting (user_id, pseudonym) VALUES ($1, 'w-x')", WRITER)
        yield execute(sql, WRITER)

    return operation()
