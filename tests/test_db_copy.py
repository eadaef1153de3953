"""`taskbot db copy` moves a SQLite pilot into PostgreSQL whole, checked, and the bank goes on."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from typer.testing import CliRunner

from bot.cli import app
from taskbank.clock import ManualClock
from taskbank.models import LedgerKind, Verdict
from taskbank.sample_bank import import_sample_bank
from taskbank.service import TaskBank
from taskbank.store.copy import NOT_COPIED, TABLES
from taskbank.store.postgres import PostgresStore
from taskbank.store.sqlite import SqliteStore
from tests.batches import TONE_ANSWER
from tests.conftest import POSTGRES_URL, drop_schema, fresh_postgres_store, postgres_schema


async def pilot(path) -> dict:
    store = SqliteStore(path)
    await store.open()
    try:
        bank = TaskBank(store, clock=ManualClock())
        await import_sample_bank(bank)
        for writer in ("ana", "ben"):
            await bank.terms_shown(1, writer)
            await bank.accept_terms(1, writer)
            claimed = await bank.claim(writer, batch_id=1)
            result = await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, f"{writer}-1")
            if writer == "ana":
                await bank.record_review(result.submission.id, "rev", Verdict.APPROVED)
            else:
                await bank.record_review(
                    result.submission.id, "rev", Verdict.REJECTED, "the tone is sarcastic"
                )
                await bank.file_appeal(
                    result.submission.id, "ben", "it is deadpan", timedelta(days=7)
                )
        await bank.add_ledger_entry("ana", LedgerKind.BONUS, 150, "welcome")
        return {
            "ledger": sum(e.amount_cents for e in await store.ledger_entries()),
            "batches": len(await bank.list_batches()),
        }
    finally:
        await store.close()


async def test_a_pilot_moves_whole_and_keeps_working(tmp_path):
    facts = await pilot(tmp_path / "pilot.db")
    schema = await postgres_schema()
    url = f"{POSTGRES_URL}?search_path={schema}"
    try:
        result = await asyncio.to_thread(
            CliRunner().invoke,
            app,
            ["db", "copy", "--from", f"sqlite:///{tmp_path / 'pilot.db'}", "--to", url],
        )
        assert result.exit_code == 0, result.output + result.stderr
        assert f"ledger {facts['ledger']} cents on both sides" in " ".join(result.output.split())

        store = PostgresStore(POSTGRES_URL, schema=schema, min_size=1, max_size=2)
        await store.open()
        try:
            bank = TaskBank(store, clock=ManualClock())
            assert len(await bank.list_batches()) == facts["batches"]
            assert (
                sum(e.amount_cents for e in await store.ledger_entries()) == facts["ledger"] == 175
            )
            # the appeal and the time spent reading terms came along (fair work needs both)
            (appeal,) = await bank.open_appeals()
            assert appeal.writer_id == "ben"
            assert await store.table_count("terms_views") == 2
            claimed = await bank.claim("ana", batch_id=1)  # terms, slots and ids carried over
            # not her first task again (gold mixing decides which of the others comes next)
            assert claimed.task.external_id != "tone-001"
            again = await bank.submit(claimed.assignment.id, "ana", TONE_ANSWER, "ana-2")
            assert again.submission.id == 3  # identity sequences continue after the copied rows
        finally:
            await store.close()

        refused = await asyncio.to_thread(
            CliRunner().invoke,
            app,
            ["db", "copy", "--from", str(tmp_path / "pilot.db"), "--to", url],
        )
        assert refused.exit_code == 2 and "not empty" in refused.stderr
    finally:
        await drop_schema(schema)


def test_db_copy_refuses_bad_arguments(tmp_path):
    runner = CliRunner()
    wrong_target = runner.invoke(
        app, ["db", "copy", "--from", str(tmp_path / "x.db"), "--to", "sqlite:///y.db"]
    )
    assert wrong_target.exit_code == 2 and "postgresql://" in wrong_target.stderr
    missing = runner.invoke(
        app, ["db", "copy", "--from", str(tmp_path / "x.db"), "--to", POSTGRES_URL]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


async def test_every_table_is_copied_or_left_behind_for_a_stated_reason(tmp_path):
    """A table added by a migration but not to TABLES would be lost silently by `db copy`."""
    store = SqliteStore(tmp_path / "schema.db")
    await store.open()
    try:
        found = await store.runner.fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    finally:
        await store.close()
    sqlite_tables = {row[0] for row in found}
    async with fresh_postgres_store(max_size=1) as pg:
        found = await pg.runner.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    pg_tables = {row[0] for row in found}
    assert len(TABLES) == len(set(TABLES))
    assert set(TABLES).isdisjoint(NOT_COPIED)
    assert sqlite_tables == set(TABLES) | set(NOT_COPIED)
    assert pg_tables == set(TABLES) | set(NOT_COPIED)
