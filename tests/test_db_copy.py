"""`taskbot db copy` moves a SQLite pilot into PostgreSQL whole, checked, and the bank goes on."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner

from bot.cli import app
from taskbank.clock import ManualClock
from taskbank.models import LedgerKind, Verdict
from taskbank.sample_bank import import_sample_bank
from taskbank.service import TaskBank
from taskbank.store.postgres import PostgresStore
from taskbank.store.sqlite import SqliteStore
from tests.batches import TONE_ANSWER
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema


async def pilot(path) -> dict:
    store = SqliteStore(path)
    await store.open()
    try:
        bank = TaskBank(store, clock=ManualClock())
        await import_sample_bank(bank)
        for writer in ("ana", "ben"):
            await bank.accept_terms(1, writer)
            claimed = await bank.claim(writer, batch_id=1)
            result = await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, f"{writer}-1")
            await bank.record_review(result.submission.id, "rev", Verdict.APPROVED)
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
                sum(e.amount_cents for e in await store.ledger_entries()) == facts["ledger"] == 200
            )
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
