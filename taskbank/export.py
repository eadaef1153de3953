"""Exports: every answer of a batch with its provenance, as JSONL or CSV, and files to hold them.

CSV is made safe to open in a spreadsheet (OWASP's CSV-injection guidance): a text cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width forms) gets a `'` in front,
so it is shown as text instead of run as a formula, and every text cell is quoted. JSON Lines is
data for programs and stays exactly as stored.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TextIO

from taskbank.clock import from_micros
from taskbank.errors import Problem, ValidationFailed

ExportFormat = Literal["jsonl", "csv"]
PROVENANCE_COLUMNS = [
    "project",
    "batch",
    "template",
    "template_version",
    "task_external_id",
    "submission_id",
    "writer",
    "credited",
    "submitted_at",
    "seconds_on_task",
    "verdict",
    "reviewer",
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
        # A writer by the name they chose for this project, else their stable pseudonym; never
        # by chat user id (taskbank/credit.py).
        "writer": row["writer"],
        "credited": row["credited"],
        "submitted_at": from_micros(row["submitted_at"]).isoformat(),
        "seconds_on_task": row["seconds_on_task"],
        "verdict": row["status"],
        "reviewer": row["reviewer"],
        "reviewed_at": None if reviewed_at is None else from_micros(reviewed_at).isoformat(),
        "review_reason": row["reason"],
        "gold_correct": None if row["gold_correct"] is None else bool(row["gold_correct"]),
        "answers": row["answers"],
        # The task's input (and gold), so rows rebuild into training data without the import files;
        # a screenplay's tasks carry their provenance (file, scene, heading, pages, lines, cast) here.
        "payload": row.get("payload"),
        "gold": row.get("gold"),
    }


async def write_export(
    records: AsyncIterator[dict[str, Any]],
    out: TextIO,
    file_format: ExportFormat,
    question_ids: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every record to `out`; returns how many. CSV gets one column per question.

    Rows are formatted and written a chunk at a time in a worker thread, so a huge batch does not
    hold up the event loop (a chat keeps answering while it exports).
    """
    if file_format not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format '{file_format}'; expected jsonl or csv")
    records = aiter(records)
    first = await anext(records, None)
    # CSV columns are fixed by the first row: its payload fields; later rows' other fields (rare:
    # one batch's tasks share a template) go to one JSON column.
    fields = list((first or {}).get("payload") or {})
    write_rows = _csv_rows(out, question_ids, fields) if file_format == "csv" else _jsonl_rows(out)
    count = 0
    chunk: list[dict[str, Any]] = [] if first is None else [first]

    async def write_chunk() -> None:
        nonlocal count, chunk
        await asyncio.to_thread(write_rows, chunk)
        written, count, chunk = count, count + len(chunk), []
        if progress is not None:
            for done in range(written + 1, count + 1):  # one call per row, as before chunks
                progress(done)

    try:
        async for row in records:
            chunk.append(row)
            if len(chunk) == EXPORT_CHUNK_ROWS:
                await write_chunk()
        if chunk:
            await write_chunk()
    finally:  # a failed write closes the store's cursor now, not whenever it is collected
        close = getattr(records, "aclose", None)
        if close is not None:
            await close()
    return count


EXPORT_CHUNK_ROWS = 500


def _jsonl_rows(out: TextIO) -> Callable[[list[dict[str, Any]]], None]:
    def write(rows: list[dict[str, Any]]) -> None:
        out.write(
            "".join(json.dumps(provenance_record(r), ensure_ascii=False) + "\n" for r in rows)
        )

    return write


def _csv_rows(
    out: TextIO, question_ids: Sequence[str], payload_fields: Sequence[str]
) -> Callable[[list[dict[str, Any]]], None]:
    # Text cells quoted, numbers bare: a number can never be a formula.
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(
        [
            *PROVENANCE_COLUMNS,
            *(f"answer.{q}" for q in question_ids),
            *(f"payload.{f}" for f in payload_fields),
            "payload.other",
            *(f"gold.{q}" for q in question_ids),
        ]
    )

    def write(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            record = provenance_record(row)
            answers, payload = record["answers"], record["payload"] or {}
            gold = record["gold"] or {}
            other = {k: v for k, v in payload.items() if k not in payload_fields}
            writer.writerow(
                [csv_cell(record[c]) for c in PROVENANCE_COLUMNS]
                + [csv_cell(answers.get(q)) for q in question_ids]
                + [csv_cell(payload.get(f)) for f in payload_fields]
                + [csv_cell(json.dumps(other, ensure_ascii=False) if other else None)]
                + [csv_cell(gold.get(q)) for q in question_ids]
            )

    return write


# What a spreadsheet reads as the start of a formula (OWASP), and the full-width forms some
# spreadsheets fold to them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> str | int | float:
    """One exported value as a CSV cell: text that a spreadsheet would run is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        text = " | ".join(str(item) for item in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# -- files ----------------------------------------------------------------------------------

_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]+')
_RESERVED_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{d}{n}" for d in ("com", "lpt") for n in range(10)
}
MAX_NAME_BYTES = 120


def safe_file_name(name: str, suffix: str = "", default: str = "export") -> str:
    """`name` (a batch's, say) made into a plain file name that stays in the folder it is put in:
    no path separators, `..`, NUL or other control characters, no leading dot, no reserved device
    name (CON, NUL, …), at most 120 bytes; `default` when nothing is left. `suffix` (`.csv`), or
    else the name's own short extension, is kept."""
    if not suffix:  # keep a file name's own extension through the cleaning and shortening
        stem, dot, extension = name.rpartition(".")
        if stem and extension.isascii() and extension.isalnum() and len(extension) <= 8:
            name, suffix = stem, dot + extension
    cleaned = "".join(
        "-" if unicodedata.category(ch).startswith("C") else ch
        for ch in unicodedata.normalize("NFC", name)
    )
    cleaned = _UNSAFE_IN_NAMES.sub("-", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    while len(cleaned.encode()) > MAX_NAME_BYTES:
        cleaned = cleaned[:-1].rstrip(" .-")
    if not cleaned:
        cleaned = default
    if cleaned.split(".")[0].strip().lower() in _RESERVED_NAMES:
        cleaned = f"{default}-{cleaned}"
    return cleaned + suffix


def export_file_name(batch_name: str, file_format: ExportFormat) -> str:
    """The default file for a batch's export: its name, made safe, with the format's extension."""
    return safe_file_name(batch_name, f".{file_format}", default="batch")


def check_export_target(path: Path) -> None:
    """Refuse, naming the path, a place an export cannot be written: a folder, a folder that does
    not exist, or one this process may not write in."""
    if len(path.name.encode()) > 240:  # the temporary name beside it must fit too (255 bytes)
        raise _cannot_write(path, "the file name is too long")
    if path.is_symlink():
        raise _cannot_write(path, "it is a symbolic link; give the file itself")
    if path.exists() and not path.is_dir() and not path.is_file():
        # A device, FIFO or socket: renaming over it would replace it (e.g. /dev/null).
        raise _cannot_write(path, "it is not a regular file (a device or a pipe?)")
    folder = path.parent
    if path.is_dir():
        raise _cannot_write(path, "it is a folder; give a file name")
    if not folder.exists():
        raise _cannot_write(path, f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise _cannot_write(path, f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _cannot_write(path, f"the folder {folder} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise _cannot_write(path, "it is read-only")


@contextmanager
def replacing_file(path: Path) -> Iterator[TextIO]:
    """A new text file that takes `path`'s place only when the block finishes without error.

    It is written beside `path` under a temporary name and renamed over it at the end
    (os.replace, atomic), so an export that fails midway leaves an existing file as it was.
    """
    check_export_target(path)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".partial"
        )
    except OSError as error:
        raise _cannot_write(
            path, f"no file can be made there ({error.strerror or error})"
        ) from None
    try:
        # mkstemp makes the file private (0600); an export gets the mode of the file it replaces.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_file(path: Path, content: bytes) -> None:
    """Write `content` to `path` whole or not at all, as `replacing_file` does (it touches the
    disk: call it from a thread in async code)."""
    with replacing_file(path) as handle:
        handle.buffer.write(content)


def _cannot_write(path: Path, message: str) -> ValidationFailed:
    return ValidationFailed(
        [Problem("file", message, str(path))], summary=f"cannot write the export to {path}"
    )
