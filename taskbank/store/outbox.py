"""What goes out to chats and what comes in: the Outbox and Deliveries roles, written once.

Scheduled posts are sent once (recorded pending before the send, marked sent after), chat messages
remember which record they show, and each inbound delivery is taken once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from taskbank.clock import to_micros
from taskbank.store.runner import Operation, Runner, execute, fetch_one


class Outbox(Protocol):
    """Send-once bookkeeping for scheduled posts, and what each posted message shows."""

    async def record_post(self, job: str, period_key: str, recipient: str, now: datetime) -> str:
        """Record a post as pending unless it exists: 'new', or its state ('pending': an
        earlier attempt may have reached the chat, or 'sent')."""
        ...

    async def mark_post_sent(
        self, job: str, period_key: str, recipient: str, now: datetime
    ) -> None:
        """Mark a recorded post as sent."""
        ...

    async def posts(self, job: str, state: str | None = None) -> list[tuple[str, str, str]]:
        """(period_key, recipient, state) of a job's posts, oldest first."""
        ...

    async def link_message(self, ref: str, kind: str, subject_id: int, now: datetime) -> None:
        """Remember which record (of `kind`) a chat message shows; the first link stands."""
        ...

    async def linked_subject(self, ref: str, kind: str) -> int | None:
        """The record a chat message shows, if it was linked."""
        ...

    async def linked_refs(self, kind: str, subject_id: int) -> list[str]:
        """The chat messages linked to a record, oldest first."""
        ...


class Deliveries(Protocol):
    """Inbound dedup: a platform's retry of an event is recognised and dropped."""

    async def first_delivery(self, key: str, now: datetime, keep_since: datetime) -> bool:
        """Record an inbound delivery; True only the first time its key is seen. Keys older
        than `keep_since` are forgotten."""
        ...

    async def forget_delivery(self, key: str) -> None:
        """Forget a recorded delivery (its handling failed), so the next with its key is taken."""
        ...

    async def forget_deliveries_starting_with(self, start: str) -> int:
        """Forget every recorded delivery whose key begins with `start`, taken literally (no
        character in it is a wildcard, and case counts); how many were forgotten."""
        ...


class Posts:
    """Outbox and Deliveries over `runner`."""

    runner: Runner

    async def record_post(self, job: str, period_key: str, recipient: str, now: datetime) -> str:
        """Record a post as pending unless it exists; 'new' when recorded now, else its state."""

        def operation() -> Operation[str]:
            inserted = yield execute(
                "INSERT INTO posts (job, period_key, recipient, state, created_at)"
                " VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT DO NOTHING",
                job,
                period_key,
                recipient,
                to_micros(now),
            )
            if inserted == 1:
                return "new"
            found = yield fetch_one(
                "SELECT state FROM posts WHERE job = $1 AND period_key = $2 AND recipient = $3",
                job,
                period_key,
                recipient,
            )
            return found[0]

        return await self.runner.write(operation())

    async def mark_post_sent(
        self, job: str, period_key: str, recipient: str, now: datetime
    ) -> None:
        """Mark a recorded post as sent."""
        await self.runner.execute(
            "UPDATE posts SET state = 'sent', sent_at = $1"
            " WHERE job = $2 AND period_key = $3 AND recipient = $4",
            to_micros(now),
            job,
            period_key,
            recipient,
        )

    async def posts(self, job: str, state: str | None = None) -> list[tuple[str, str, str]]:
        """(period_key, recipient, state) of a job's posts, oldest first."""
        found = await self.runner.fetch(
            "SELECT period_key, recipient, state FROM posts"
            " WHERE job = $1 AND (CAST($2 AS TEXT) IS NULL OR state = $2)"
            " ORDER BY created_at, period_key, recipient",
            job,
            state,
        )
        return [(row[0], row[1], row[2]) for row in found]

    async def link_message(self, ref: str, kind: str, subject_id: int, now: datetime) -> None:
        """Remember which record a chat message shows."""
        await self.runner.execute(
            "INSERT INTO message_links (ref, kind, subject_id, created_at) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT DO NOTHING",
            ref,
            kind,
            subject_id,
            to_micros(now),
        )

    async def linked_subject(self, ref: str, kind: str) -> int | None:
        """The record a chat message shows, if it was linked."""
        found = await self.runner.fetch_one(
            "SELECT subject_id FROM message_links WHERE ref = $1 AND kind = $2", ref, kind
        )
        return None if found is None else found[0]

    async def linked_refs(self, kind: str, subject_id: int) -> list[str]:
        """The chat messages linked to a record, oldest first."""
        found = await self.runner.fetch(
            "SELECT ref FROM message_links WHERE kind = $1 AND subject_id = $2 ORDER BY created_at",
            kind,
            subject_id,
        )
        return [row[0] for row in found]

    async def first_delivery(self, key: str, now: datetime, keep_since: datetime) -> bool:
        """Record an inbound delivery; True only the first time its key is seen."""

        def operation() -> Operation[bool]:
            yield execute("DELETE FROM deliveries WHERE received_at < $1", to_micros(keep_since))
            found = yield fetch_one(
                "INSERT INTO deliveries (key, received_at) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING RETURNING key",
                key,
                to_micros(now),
            )
            return found is not None

        return await self.runner.write(operation())

    async def forget_delivery(self, key: str) -> None:
        """Forget a recorded delivery; a key never recorded is no error."""
        await self.runner.execute("DELETE FROM deliveries WHERE key = $1", key)

    async def forget_deliveries_starting_with(self, start: str) -> int:
        """Forget every recorded delivery whose key begins with `start`; how many.

        Compared as text, not with LIKE: a '%' or '_' in an id is no wildcard, and SQLite's LIKE
        ignores case. (It reads the day's keys; a clear of many at once is rare.)"""
        if not start:
            raise ValueError("a start is needed: an empty one would forget every delivery")
        return await self.runner.execute(
            "DELETE FROM deliveries WHERE substr(key, 1, length(CAST($1 AS TEXT))) = $1", start
        )
