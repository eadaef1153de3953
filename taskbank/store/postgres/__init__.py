"""The scale-out store: PostgreSQL through asyncpg."""

from taskbank.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
