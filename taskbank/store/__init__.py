"""Storage: the Store protocol and its implementations."""

from __future__ import annotations

from pathlib import Path

from taskbank.store.protocol import BatchCandidate, BatchProgress, NewSubmission, Store

__all__ = ["BatchCandidate", "BatchProgress", "NewSubmission", "Store", "open_store"]


def open_store(url: str | Path, **options: object) -> Store:
    """A store for a database URL or path: `postgresql://…`, `sqlite:///path` or a plain path.

    Not yet opened. SQLite-only options (synchronous) are ignored for PostgreSQL.
    """
    from taskbank.store.sqlite import SqliteStore

    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        from taskbank.store.postgres import PostgresStore

        return PostgresStore(text)
    if text.startswith("sqlite:///"):
        return SqliteStore(text.removeprefix("sqlite:///"), **options)  # type: ignore[arg-type]
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise ValueError(
            f"unsupported database URL scheme '{scheme}'; expected a path or sqlite:///path"
        )
    return SqliteStore(text, **options)  # type: ignore[arg-type]
