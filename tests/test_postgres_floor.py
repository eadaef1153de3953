"""The PostgreSQL benchmark's floor runs the store's own statements and really claims and submits:
a floor that sent other SQL, or stored nothing, would make Taskbot's share of it meaningless."""

from __future__ import annotations

import asyncpg

from benchmarks.measure import settings_for
from benchmarks.postgres_floor import captured, floor
from bot.bootstrap import build_bank
from bot.config import Config
from taskbank.batchfile import ParsedBatch, TaskSpec
from taskbank.store.postgres import PostgresStore
from taskbank.store.postgres.store import _SUBMIT
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema


async def test_the_floor_captures_the_stores_own_statements() -> None:
    statements = await captured(7, 1)
    assert statements.submit[0] == _SUBMIT
    assert "claim_task" in statements.claim[0] and 7 in statements.claim[1][1]
    assert "FROM batches" in statements.candidates[0]


async def test_the_floor_claims_and_submits_on_the_real_schema() -> None:
    schema = await postgres_schema()
    try:
        store = PostgresStore(POSTGRES_URL, schema=schema)
        await store.open()
        bank = build_bank(Config.model_validate({}), store=store)
        specs = [TaskSpec(f"t{i}", {"excerpt": f"A: Line {i}."}) for i in range(20)]
        await bank.create_batch(ParsedBatch(settings_for("floor"), specs))
        await store.close()
        result, server, client = await floor(POSTGRES_URL, schema, "f", 4, 12, 2, 1)
        connection = await asyncpg.connect(POSTGRES_URL, server_settings={"search_path": schema})
        try:
            stored = await connection.fetchval("SELECT count(*) FROM submissions")
            left = await connection.fetchval(
                "SELECT count(*) FROM assignments WHERE state = 'active'"
            )
        finally:
            await connection.close()
        assert (result.operations, stored, left) == (12, 12, 0)
        assert server > 0 or client > 0
    finally:
        await drop_schema(schema)
