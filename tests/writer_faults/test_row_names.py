"""A row from the writer process's proxy reads a column whatever the case of its name, as
sqlite3.Row does (it had raised for `row["total"]` from `... AS Total`)."""

from __future__ import annotations

import pytest

from taskbank.store.runner import fetch_one
from taskbank.store.sqlite import SqliteStore


@pytest.mark.parametrize("writer", ["thread", "process"])
async def test_a_row_from_the_writer_reads_a_column_whatever_its_case(tmp_path, writer):
    store = SqliteStore(tmp_path / "r.db", writer=writer)
    await store.open()
    try:
        row = await store.runner.write(fetch_one("SELECT 7 AS Total"))
        assert row["total"] == 7
    finally:
        await store.close()
