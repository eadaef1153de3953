"""The JSON Lines batch reader: a `{"batch": {…}}` header line, then a task a line. A bad header
does not stop the reading: every line's own problems are reported with it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from taskbank.batchrows import ReadFile, TaskRow
from taskbank.batchsettings import settings_from
from taskbank.batchtext import json_lines
from taskbank.errors import Problem, ValidationFailed
from taskbank.safejson import UnreadableJson, load_json, printable

HEADER_EXAMPLE = '{"batch": {…settings…}}'


def read_jsonl(pieces: Iterable[str], name: str) -> ReadFile:
    """Every task line of a JSONL text (given in pieces, see taskbank.batchtext), with the
    header's settings when they are usable."""
    lines = enumerate(json_lines(pieces), 1)
    header_number, header_line = _header(lines)
    header_location = f"{name}:{header_number}"
    read = ReadFile(None, header_location)
    try:
        header = load_json(header_line)
    except UnreadableJson as error:
        read.problems.append(
            Problem(
                "header",
                f"{_not_json(error, header_line)}; expected {HEADER_EXAMPLE}",
                header_location,
            )
        )
        header = None
    if header is not None:
        if not isinstance(header, dict) or set(header) != {"batch"}:
            read.problems.append(
                Problem("header", f"the first line must be {HEADER_EXAMPLE}", header_location)
            )
        else:
            try:
                read.settings = settings_from(header["batch"], header_location)
            except ValidationFailed as refused:
                read.problems.extend(refused.problems)
    for number, line in lines:
        if _blank(line):
            continue
        location = f"{name}:{number}"
        try:
            read.rows.append(_task_from_json(load_json(line), location))
        except UnreadableJson as error:
            read.problems.append(Problem("json", _not_json(error, line), location))
        except _BadTask as bad:
            read.problems.append(Problem(bad.field, bad.message, location))
    return read


def _not_json(error: UnreadableJson, line: str) -> str:
    """Why a line is not JSON; for lines ended by a carriage return alone (old Mac files, which
    read as one long line), how to save the file instead."""
    said = f"not valid JSON ({error.detail})"
    if "\r" in line.rstrip("\r\n"):
        said += "; the file ends lines with a carriage return alone: save it with LF or CRLF"
    return said


def _header(lines: Iterator[tuple[int, str]]) -> tuple[int, str]:
    """The first line that is not blank, with its number (all blank: the first line)."""
    first: tuple[int, str] | None = None
    for number, line in lines:
        if not _blank(line):
            return number, line
        first = first or (number, line)
    return first or (1, "")


def _blank(line: str) -> bool:
    return not line.strip(" \t\r")  # JSON's own whitespace, nothing more


class _BadTask(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _task_from_json(value: Any, location: str) -> TaskRow:
    if not isinstance(value, dict):
        raise _BadTask("task", 'expected an object like {"id": …, "payload": {…}}')
    unknown = sorted(set(value) - {"id", "payload", "gold"})
    if unknown:
        raise _BadTask(
            printable(unknown[0]) or '""',
            "unknown field; a task has 'id', 'payload' and optional 'gold'",
        )
    task_id, payload, gold = value.get("id"), value.get("payload"), value.get("gold")
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        task_id = str(task_id) if abs(task_id) < 10**200 else ""
    if not isinstance(task_id, str) or not task_id.strip():
        raise _BadTask("id", "expected a non-empty task id")
    if not isinstance(payload, dict):
        raise _BadTask("payload", "expected an object with the task's fields")
    if gold is not None and not isinstance(gold, dict):
        raise _BadTask("gold", "expected an object of question id to answer")
    return TaskRow(location, task_id.strip(), payload, gold)
