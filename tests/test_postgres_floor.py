"""The PostgreSQL benchmark's floor runs the store's own grouped statements and really claims and
submits: a floor that sent other SQL, grouped nothing, or stored nothing, would make Taskbot's share
of it meaningless."""

from __future__ import annotations

import asyncpg

from benchmarks.measure import settings_for
from benchmarks.postgres_floor import floor
from bot.bootstrap import build_bank
from bot.config import Config
from taskbank.batchfile import ParsedBatch, TaskSpec
from taskbank.store.postgres import PostgresStore
from taskbank.store.postgres.grouped import Group
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema


async def test_the_floor_claims_and_submits_on_the_real_schema() -> None:
    schema = await postgres_schema()
    try:
        store = PostgresStore(POSTGRES_URL, schema=schema)
        await store.open()
        bank = build_bank(Config.model_validate({}), store=store)
        specs = [TaskSpec(f"t{i}", {"excerpt": f"A: Line {i}."}) for i in range(20)]
        await bank.create_batch(ParsedBatch(settings_for("floor"), specs))
        await store.close()
        groups: list[Group] = []
        result, server, client = await floor(POSTGRES_URL, schema, "f", 4, 12, 2, 1, groups)
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
        claims, submits = groups
        # Four writers claim in the same loop turn: their claims (and then answers) share statements.
        assert claims.calls == submits.calls == 12
        assert claims.grouped > 0 and submits.grouped > 0
    finally:
        await drop_schema(schema)
