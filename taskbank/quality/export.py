"""The consensus export: one row per task with its aggregated answer, confidence and method.

Method per question: "adjudicated" (a reviewer's final answer), "model" (Dawid–Skene), "vote"
(majority, or per-option majority and mean place for sets and rankings) or "single" (one answer).
CSV cells are made spreadsheet-safe as in the per-answer export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from typing import Any, TextIO

from taskbank.export import ExportFormat, csv_cell
from taskbank.quality.consensus import Consensus, TaskConsensus


def consensus_record(
    row: TaskConsensus, batch: str, project: str, adjudicated: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A task's exported record; a reviewer's adjudicated answers replace the aggregate."""
    answer, confidence, method = dict(row.answer), dict(row.confidence), dict(row.method)
    for qid, value in (adjudicated or {}).items():
        answer[qid], confidence[qid], method[qid] = value, 1.0, "adjudicated"
    return {
        "project": project,
        "batch": batch,
        "task_external_id": row.external_id,
        "answers": row.answers,
        "needs_adjudication": row.needs_adjudication and not adjudicated,
        "consensus": answer,
        "confidence": confidence,
        "method": method,
    }


def write_consensus(
    consensus: Consensus,
    out: TextIO,
    file_format: ExportFormat,
    *,
    batch: str,
    project: str,
    question_ids: list[str],
    adjudicated: Mapping[int, Mapping[str, Any]] | None = None,
) -> int:
    """Write one row per answered task; returns how many (CPU and file only: run it in a thread)."""
    if file_format not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format '{file_format}'; expected jsonl or csv")
    decided = adjudicated or {}
    shown = [q.question_id for q in consensus.questions if q.question_id in question_ids]
    writer = None
    if file_format == "csv":
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(
            ["project", "batch", "task_external_id", "answers", "needs_adjudication"]
            + [f"{part}.{qid}" for qid in shown for part in ("consensus", "confidence", "method")]
        )
    count = 0
    for row in consensus.rows():
        record = consensus_record(row, batch, project, decided.get(row.task_id))
        if writer is None:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            cells = [record[c] for c in ("project", "batch", "task_external_id", "answers")]
            cells.append(record["needs_adjudication"])
            for qid in shown:
                cells += [record[part][qid] for part in ("consensus", "confidence", "method")]
            writer.writerow([csv_cell(cell) for cell in cells])
        count += 1
    return count
