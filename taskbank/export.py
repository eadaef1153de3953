"""Exports: every answer of a batch with its provenance, as JSONL or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Literal, TextIO

from taskbank.clock import from_micros

ExportFormat = Literal["jsonl", "csv"]
PROVENANCE_COLUMNS = [
    "project",
    "batch",
    "template",
    "template_version",
    "task_external_id",
    "submission_id",
    "writer_id",
    "submitted_at",
    "seconds_on_task",
    "verdict",
    "reviewer_id",
    "reviewed_at",
    "review_reason",
    "gold_correct",
]


def provenance_record(row: dict[str, Any]) -> dict[str, Any]:
    """A store export row as the exported record: provenance first, then the answers."""
    reviewed_at = row["reviewed_at"]
    return {
        "project": row["project"],
        "batch": row["batch"],
        "template": row["template"],
        "template_version": row["template_version"],
        "task_external_id": row["external_id"],
        "submission_id": row["submission_id"],
        "writer_id": row["writer_id"],
        "submitted_at": from_micros(row["submitted_at"]).isoformat(),
        "seconds_on_task": row["seconds_on_task"],
        "verdict": row["status"],
        "reviewer_id": row["reviewer_id"],
        "reviewed_at": None if reviewed_at is None else from_micros(reviewed_at).isoformat(),
        "review_reason": row["reason"],
        "gold_correct": None if row["gold_correct"] is None else bool(row["gold_correct"]),
        "answers": row["answers"],
    }


async def write_export(
    records: AsyncIterator[dict[str, Any]],
    out: TextIO,
    file_format: ExportFormat,
    question_ids: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every record to `out`; returns how many. CSV gets one column per question."""
    count = 0
    writer = None
    if file_format == "csv":
        writer = csv.writer(out)
        writer.writerow([*PROVENANCE_COLUMNS, *(f"answer.{q}" for q in question_ids)])
    elif file_format != "jsonl":
        raise ValueError(f"unknown export format '{file_format}'; expected jsonl or csv")
    async for row in records:
        record = provenance_record(row)
        if writer is None:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            answers = record["answers"]
            writer.writerow(
                [_csv_cell(record[c]) for c in PROVENANCE_COLUMNS]
                + [_csv_cell(answers.get(q)) for q in question_ids]
            )
        count += 1
        if progress is not None:
            progress(count)
    return count


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
