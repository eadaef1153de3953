"""The JSON Lines batch reader: a `{"batch": {…}}` header line, then a task a line. A bad header
does not stop the reading: every line's own problems are reported with it."""

from __future__ import annotations

from typing import Any

from taskbank.batchrows import ReadFile, TaskRow
from taskbank.batchsettings import settings_from
from taskbank.errors import Problem, ValidationFailed
from taskbank.safejson import UnreadableJson, load_json, printable

HEADER_EXAMPLE = '{"batch": {…settings…}}'


def read_jsonl(text: str, name: str) -> ReadFile:
    """Every task line of a JSONL text, with the header's settings when they are usable."""
    lines = json_lines(text)
    header_number = next((i for i, line in enumerate(lines, 1) if not _blank(line)), 1)
    header_location = f"{name}:{header_number}"
    read = ReadFile(None, header_location)
    try:
        header = load_json(lines[header_number - 1])
    except UnreadableJson as error:
        read.problems.append(
            Problem(
                "header",
                f"not valid JSON ({error.detail}); expected {HEADER_EXAMPLE}",
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
    for number in range(header_number + 1, len(lines) + 1):
        line = lines[number - 1]
        if _blank(line):
            continue
        location = f"{name}:{number}"
        try:
            read.rows.append(_task_from_json(load_json(line), location))
        except UnreadableJson as error:
            read.problems.append(Problem("json", f"not valid JSON ({error.detail})", location))
        except _BadTask as bad:
            read.problems.append(Problem(bad.field, bad.message, location))
    return read


def json_lines(text: str) -> list[str]:
    """A JSON Lines text split on \\n (and \\r\\n) only: U+2028, U+2029, U+0085, form feeds
    and the like are legal inside JSON strings, so str.splitlines() would cut tasks apart."""
    return [line.removesuffix("\r") for line in text.split("\n")]


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
