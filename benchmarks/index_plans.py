"""Every index of the SQLite schema with the query that uses it, shown by EXPLAIN QUERY PLAN.

Run: python -m benchmarks.index_plans [--store postgresql://127.0.0.1:5432/test]

With --store, the same for PostgreSQL's schema (benchmarks/index_plans_postgres.py).

Each index costs a write on every insert (and on updates of its columns), so each must earn its
place: this prints, per index, the statement from the store that reads through it and the plan
line SQLite chose, and lists any index no statement here uses. Not a test; it reports (the
README's Performance section carries the table).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import tempfile
from pathlib import Path

from taskbank.store.fairwork import _HOLDS
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.claim import claim_sql
from taskbank.store.sqlite.runner import sqlite_text
from taskbank.store.sqlite.store import _EVERY_WRITER, _TALLY_MONEY, _TALLY_WORK

# (index, where the statement lives, the statement). UNIQUE constraints' own indexes are
# listed too: they enforce a rule (no repeat claim, one earning per submission) whatever reads.
QUERIES: list[tuple[str, str, str]] = [
    ("tasks_claimable", "sqlite/claim.py claim ('any')", claim_sql((("any", False),))),
    ("tasks_gold_claimable", "sqlite/claim.py claim ('gold')", claim_sql((("gold", False),))),
    ("tasks_plain_claimable", "sqlite/claim.py claim ('plain')", claim_sql((("plain", False),))),
    (
        "sqlite_autoindex_assignments_1",
        "sqlite/claim.py claim: never the same task twice (UNIQUE task_id, writer_id)",
        claim_sql((("any", False),)),
    ),
    (
        "assignments_by_writer",
        "claim's live-lease count; claims.py active_assignments",
        "SELECT * FROM assignments WHERE writer_id = ?1 AND state = 'active' ORDER BY id",
    ),
    (
        "assignments_live_leases",
        "claims.py expire_leases",
        "UPDATE assignments SET state = 'expired', ended_at = lease_expires_at"
        " WHERE state = 'active' AND lease_expires_at <= ?1 RETURNING *",
    ),
    (
        "assignments_by_batch",
        "batches.py batch progress",
        "SELECT state, count(*) FROM assignments WHERE batch_id = ?1 GROUP BY state",
    ),
    (
        "assignments_ended",
        "fairwork.py holds in a period (hourly rate)",
        sqlite_text(_HOLDS.format(writer="")),
    ),
    (
        "submissions_by_period",
        "reports.py activity by quarter hour (covering)",
        "SELECT submitted_at / 900000000 * 900000000, count(*) FROM submissions"
        " WHERE submitted_at >= ?1 AND submitted_at < ?2 GROUP BY 1",
    ),
    (
        "submissions_by_writer_batch_status",
        "sqlite/store.py tally, work half (one range per writer, batch and status)",
        _TALLY_WORK.format(writers=_EVERY_WRITER.format(table="submissions")),
    ),
    (
        "submissions_pending",
        "reviews.py unsampled_submissions (QA sample); fairwork.py a writer's pending",
        "SELECT s.* FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
        " WHERE s.status = 'pending' AND s.sampled_at IS NULL AND t.gold_json IS NULL"
        " AND (CAST(?1 AS BIGINT) IS NULL OR s.batch_id = ?1) ORDER BY s.submitted_at, s.id",
    ),
    (
        "submissions_by_batch",
        "reports.py export_rows; quality answers",
        "SELECT s.id FROM submissions AS s WHERE s.batch_id = ?1 ORDER BY s.id",
    ),
    (
        "submissions_gold_by_writer",
        "sqlite/quality_flow.py a writer's gold answers",
        "SELECT id, gold_correct FROM submissions WHERE writer_id = ? AND batch_id = ?"
        " AND gold_correct IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
    ),
    (
        "reviews_by_period",
        "fairwork.py automatic_rejections_since",
        "SELECT r.submission_id FROM reviews AS r WHERE r.verdict = 'rejected'"
        " AND r.automatic = 1 AND r.reviewed_at >= ?1 ORDER BY r.reviewed_at, r.id",
    ),
    (
        "ledger_by_period",
        "reports.py activity by quarter hour; fairwork.py bonuses in a period (covering)",
        "SELECT created_at / 900000000 * 900000000, sum(amount_cents) FROM ledger"
        " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1",
    ),
    (
        "ledger_by_writer_kind",
        "sqlite/store.py tally, money half (one range per writer and kind)",
        _TALLY_MONEY.format(writers=_EVERY_WRITER.format(table="ledger")),
    ),
    (
        "ledger_by_batch",
        "reports.py project_spend; claim's budget cap",
        "SELECT sum(l.amount_cents) FROM ledger AS l WHERE l.batch_id = ?1",
    ),
    (
        "writer_pauses_one_open",
        "claims.py claim_candidates (paused?)",
        "SELECT 1 FROM writer_pauses AS wp WHERE wp.batch_id = ?1"
        " AND wp.writer_id = ?2 AND wp.reinstated_at IS NULL",
    ),
    (
        "adjudications_by_batch",
        "sqlite/quality_flow.py adjudications of a batch",
        "SELECT task_id, answers_json FROM adjudications WHERE batch_id = ?",
    ),
    (
        "appeals_open",
        "appeals.py open appeals",
        "SELECT id FROM appeals WHERE outcome = 'open' ORDER BY filed_at, id",
    ),
    (
        "appeals_by_reviewer",
        "appeals.py appeal_counts",
        "SELECT reviewer_id, outcome, count(*) AS n FROM appeals"
        " GROUP BY reviewer_id, outcome ORDER BY reviewer_id, outcome",
    ),
    (
        "deliveries_received",
        "outbox.py forget old deliveries",
        "DELETE FROM deliveries WHERE received_at < ?1",
    ),
    (
        "posts_pending",
        "outbox.py pending posts of a job",
        "SELECT period_key, recipient FROM posts WHERE state = 'pending' AND job = ?1",
    ),
]


def plan(db: sqlite3.Connection, sql: str) -> list[str]:
    """SQLite's plan lines for a statement (every placeholder bound to NULL)."""
    names = set(re.findall(r":(\w+)", sql))
    numbered = [int(n) for n in re.findall(r"\?(\d+)", sql)]
    if names:
        args: object = dict.fromkeys(names)
    else:
        args = [None] * max(numbered or [sql.count("?")])
    return [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", args)]


async def schema_indexes(folder: Path) -> tuple[Path, list[tuple[str, str]]]:
    """A migrated database and its (index, table) pairs."""
    store = SqliteStore(folder / "plans.db")
    await store.open()
    await store.close()
    db = sqlite3.connect(store.path)
    found = db.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY tbl_name, name"
    ).fetchall()
    db.close()
    return store.path, found


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        path, indexes = asyncio.run(schema_indexes(Path(name)))
        db = sqlite3.connect(path)
        used = set()
        print(f"{'index':<34} {'used':<5} statement / plan")
        for index, where, sql in QUERIES:
            lines = [line for line in plan(db, sql) if re.search(rf"\b{index}\b", line)]
            if lines:
                used.add(index)
            print(f"{index:<34} {'yes' if lines else 'NO':<5} {where}")
            for line in lines[:1]:
                print(f"{'':<40} {line}")
        unlisted = [(i, t) for i, t in indexes if i not in used]
        print("\nindexes no listed statement reads through (table):")
        for index, table in unlisted:
            print(f"  {index} ({table})")
        db.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", help="a postgresql:// URL: PostgreSQL's indexes instead of SQLite's"
    )
    url = parser.parse_args().store
    if url:
        from benchmarks.index_plans_postgres import run

        asyncio.run(run(url))
    else:
        main()
