"""A real, passing database failure for tests: while it lasts, every verdict written to the
`reviews` table is refused by a trigger (as a dropped connection or a full disk would be)."""

from __future__ import annotations

import sqlite3
from typing import Any

from taskbank.store.sqlite import SqliteStore

FAILURE = "the database is briefly unavailable"
SQLITE_TRIGGER = (
    "CREATE TRIGGER failing_reviews BEFORE INSERT ON reviews"
    f" BEGIN SELECT RAISE(ABORT, '{FAILURE}'); END"
)
POSTGRES_TRIGGER = (
    "CREATE FUNCTION failing_reviews() RETURNS trigger LANGUAGE plpgsql AS"
    f" $$ BEGIN RAISE EXCEPTION '{FAILURE}'; END $$;"
    " CREATE TRIGGER failing_reviews BEFORE INSERT ON reviews"
    " FOR EACH ROW EXECUTE FUNCTION failing_reviews()"
)


async def _run(store: Any, sqlite_sql: str, postgres_sql: str) -> None:
    if isinstance(store, SqliteStore):
        connection = sqlite3.connect(store.path)
        try:
            connection.execute(sqlite_sql)
            connection.commit()
        finally:
            connection.close()
        return
    await store.pool.execute(postgres_sql)


async def start_failing(store: Any) -> None:
    """From now on, writing a verdict fails in the database itself."""
    await _run(store, SQLITE_TRIGGER, POSTGRES_TRIGGER)


async def stop_failing(store: Any) -> None:
    """The failure has passed: verdicts are written again."""
    await _run(
        store,
        "DROP TRIGGER failing_reviews",
        "DROP TRIGGER failing_reviews ON reviews; DROP FUNCTION failing_reviews()",
    )
