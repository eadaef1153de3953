"""Figures and exports: the ReportStore role and the statements both dialects share for it.

The tally (two big aggregates, tuned per dialect) is per dialect; the rest is written once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Protocol

from taskbank.clock import to_micros
from taskbank.models import Project, Tally
from taskbank.store import rows
from taskbank.store.rows import built
from taskbank.store.runner import Runner

_QUARTER_HOUR = 900_000_000  # microseconds


class ReportStore(Protocol):
    """Read-only figures over the ledger and submissions, and a batch's export."""

    async def tally(self, start: datetime, end: datetime, writer_id: str | None) -> Tally:
        """Per-writer figures in a period: counts and time from submissions, money from the
        ledger; for one writer or everyone."""
        ...

    async def activity_by_quarter_hour(
        self, start: datetime, end: datetime
    ) -> list[tuple[int, int, int]]:
        """(quarter-hour start in epoch microseconds, paid cents, submissions) in a period."""
        ...

    async def project_spend(self) -> list[tuple[Project, int]]:
        """Every project with the cents its ledger has paid."""
        ...

    async def writer_projects(self, start: datetime, end: datetime) -> dict[str, set[int]]:
        """The projects each writer submitted work to in a period."""
        ...

    def export_rows(self, batch_id: int) -> AsyncIterator[dict[str, Any]]:
        """Every submission of a batch joined with its task, review and batch, in id order."""
        ...


class Reports:
    """ReportStore's shared statements over `runner`; a store adds `tally`."""

    runner: Runner

    async def activity_by_quarter_hour(
        self, start: datetime, end: datetime
    ) -> list[tuple[int, int, int]]:
        """(quarter-hour start in epoch microseconds, paid cents, submissions) in a period."""
        span = (to_micros(start), to_micros(end))
        money, work = await asyncio.gather(
            self.runner.fetch(
                f"SELECT created_at / {_QUARTER_HOUR} * {_QUARTER_HOUR},"
                " CAST(sum(amount_cents) AS BIGINT) FROM ledger"
                " WHERE created_at >= $1 AND created_at < $2 GROUP BY 1",
                *span,
            ),
            self.runner.fetch(
                f"SELECT submitted_at / {_QUARTER_HOUR} * {_QUARTER_HOUR}, count(*) FROM submissions"
                " WHERE submitted_at >= $1 AND submitted_at < $2 GROUP BY 1",
                *span,
            ),
        )
        return rows.activity(money, work)

    async def project_spend(self) -> list[tuple[Project, int]]:
        """Every project with the cents its ledger has paid."""
        found = await self.runner.fetch(
            "SELECT p.*, CAST(coalesce((SELECT sum(l.amount_cents) FROM ledger AS l"
            " JOIN batches AS b ON b.id = l.batch_id WHERE b.project_id = p.id), 0) AS BIGINT)"
            " AS spent FROM projects AS p ORDER BY p.id"
        )
        return [(rows.project(row), row["spent"]) for row in found]

    async def writer_projects(self, start: datetime, end: datetime) -> dict[str, set[int]]:
        """The projects each writer submitted work to in a period."""
        found = await self.runner.fetch(
            "SELECT DISTINCT s.writer_id, b.project_id FROM submissions AS s"
            " JOIN batches AS b ON b.id = s.batch_id WHERE s.submitted_at >= $1 AND s.submitted_at < $2",
            to_micros(start),
            to_micros(end),
        )
        projects: dict[str, set[int]] = {}
        for writer, project_id in found:
            projects.setdefault(writer, set()).add(project_id)
        return projects

    async def export_rows(self, batch_id: int) -> AsyncIterator[dict[str, Any]]:
        """Every submission of a batch joined with its task, review and batch, in id order."""
        chunks = self.runner.stream(
            "SELECT s.id AS submission_id, t.external_id, t.payload_json, t.gold_json,"
            " s.writer_id, s.submitted_at,"
            " s.seconds_on_task, s.status, s.answers_json, s.gold_correct, r.reviewer_id,"
            " r.reviewed_at, r.reason, r.automatic, b.name AS batch, b.template,"
            " b.template_version, p.name AS project"
            " FROM submissions AS s JOIN tasks AS t ON t.id = s.task_id"
            " JOIN batches AS b ON b.id = s.batch_id JOIN projects AS p ON p.id = b.project_id"
            " LEFT JOIN reviews AS r ON r.submission_id = s.id"
            " WHERE s.batch_id = $1 ORDER BY s.id",
            batch_id,
            size=500,
        )
        async for chunk in chunks:
            for record in await built(len(chunk), lambda chunk=chunk: _export_records(chunk)):
                yield record


def _export_records(chunk: list[Any]) -> list[dict[str, Any]]:
    """Export rows with their JSON columns decoded (a chunk of hundreds: off the event loop)."""
    records = []
    for row in chunk:
        record = dict(row)
        record["answers"] = json.loads(record.pop("answers_json"))
        record["payload"] = json.loads(record.pop("payload_json"))
        gold = record.pop("gold_json")
        record["gold"] = None if gold is None else json.loads(gold)
        records.append(record)
    return records
