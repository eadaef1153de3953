"""The embedded SQLite store."""

from taskbank.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
