"""A writer's own record as a CSV they keep: every answer (task, project, batch, when, time on
task, verdict, pay, the reviewer's reason, any appeal) and every bonus or adjustment."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from taskbank.clock import from_micros
from taskbank.export import csv_cell
from taskbank.models import LedgerKind

if TYPE_CHECKING:
    from taskbank.service import TaskBank

COLUMNS = (
    "kind",
    "submission",
    "task",
    "project",
    "batch",
    "at_utc",
    "seconds_on_task",
    "status",
    "paid_cents",
    "reason",
    "appeal",
    "appeal_reason",
)


async def writer_record_csv(bank: TaskBank, writer_id: str) -> tuple[str, int]:
    """The writer's record as CSV text, and how many rows it holds."""
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n")
    table.writerow(COLUMNS)
    count = 0
    for row in await bank.store.writer_record(writer_id):  # type: ignore[attr-defined]
        reason = (
            "approved automatically" if row["automatic"] and not row["reason"] else row["reason"]
        )
        values = (
            "answer",
            row["submission_id"],
            row["task"],
            row["project"],
            row["batch"],
            from_micros(row["submitted_at"]).isoformat(),
            int(row["seconds_on_task"]),
            row["status"],
            int(row["paid_cents"]),
            reason,
            row["appeal"],
            row["appeal_reason"],
        )
        table.writerow([csv_cell(v) for v in values])
        count += 1
    for entry in await bank.store.ledger_entries(writer_id):
        if entry.kind == LedgerKind.EARNED:
            continue
        values = (
            entry.kind.value,
            None,
            None,
            None,
            None,
            entry.created_at.isoformat(),
            None,
            None,
            entry.amount_cents,
            entry.note,
            None,
            None,
        )
        table.writerow([csv_cell(v) for v in values])
        count += 1
    return out.getvalue(), count
