"""Module-level functions a RemoteCall can name (the child imports this module by name)."""

from __future__ import annotations

import sqlite3
from typing import Any


def count_tasks(connection: sqlite3.Connection, _unused: Any = None) -> int:
    return int(connection.execute("SELECT count(*) FROM tasks").fetchone()[0])


def task_by_id(connection: sqlite3.Connection, task_id: int) -> dict[str, Any]:
    # A result holding a sqlite3.Row inside a dict: `portable` only converts rows at the top or
    # inside tuples/lists, so this does not pickle.
    return {"task": connection.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()}


def record_job(connection: sqlite3.Connection, job: str) -> int:
    """Store a post named `job`; returns how many posts there were before it (its place)."""
    place = int(connection.execute("SELECT count(*) FROM posts").fetchone()[0])
    connection.execute(
        "INSERT INTO posts (job, period_key, recipient, state, created_at)"
        " VALUES (?, ?, 'r', 'pending', 0)",
        (job, str(place)),
    )
    return place
