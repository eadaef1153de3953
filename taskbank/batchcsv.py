"""The CSV batch reader: a header row naming the columns (`id`, payload fields, `gold.<question>`),
then a task a row; the settings come beside the file. Quote trouble is located by
`taskbank.csvquotes`; a bad header still lets every row's own problems be reported."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from taskbank.batchrows import ReadFile, TaskRow
from taskbank.batchsettings import BatchSettings
from taskbank.batchtext import csv_lines
from taskbank.csvquotes import csv_problem, swallowed_row
from taskbank.errors import Problem
from taskbank.safejson import UnreadableJson, load_json, printable


def read_csv(
    pieces: Iterable[str], name: str, settings: BatchSettings | None, read: ReadFile
) -> ReadFile:
    """Every row of a CSV text (given in pieces, see taskbank.batchtext) into `read` (which holds
    the settings' own problems, if any)."""
    list_fields = _list_fields(settings)
    gold_lists = _gold_lists(settings)
    record: list[str] = []  # the raw lines of the row being read, to explain quote trouble
    reader = csv.reader(_recorded_lines(pieces, record), strict=True)
    try:
        columns = [column.strip() for column in next(reader)]
        while not any(columns):  # blank lines before the header, as JSONL skips blank lines
            record.clear()
            columns = [column.strip() for column in next(reader)]
    except StopIteration:
        read.problems.append(Problem("header", "expected a CSV header", f"{name}:1"))
        return read
    except csv.Error as error:
        first = reader.line_num - len(record) + 1  # the header's first line
        read.problems.append(csv_problem(error, record, first, name, "header"))
        return read
    usable = _header_problems(columns, f"{name}:{reader.line_num}", read)
    id_index = columns.index("id") if "id" in columns else -1
    start = reader.line_num + 1
    while True:
        record.clear()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            read.problems.append(csv_problem(error, record, start, name, "csv"))
            break
        location = f"{name}:{start}"
        first, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            read.problems.append(
                Problem("row", f"has {len(row)} cells; the header has {len(columns)}", location)
            )
            continue
        if not usable:
            continue
        if len(record) > 1:
            swallowed = swallowed_row(record, first, len(columns), id_index, row[id_index])
            if swallowed is not None:
                read.problems.append(Problem("csv", swallowed[1], f"{name}:{swallowed[0]}"))
                continue
        payload: dict[str, Any] = {}
        gold: dict[str, Any] = {}
        for column, cell in zip(columns, row, strict=True):
            if column == "id" or not cell.strip():
                continue
            if column.startswith("gold."):
                as_list = gold_lists.get(column[5:])
                gold[column[5:]] = cell.strip() if as_list is False else _cell_value(cell, as_list)
            else:
                payload[column] = _cell_value(cell, as_list=column in list_fields)
        read.rows.append(TaskRow(location, row[id_index].strip(), payload, gold or None))
    return read


def _header_problems(columns: list[str], location: str, read: ReadFile) -> bool:
    """Record what is wrong with the header row; whether its rows can be read as tasks."""
    usable = True
    if "id" not in columns:
        read.problems.append(Problem("header", "expected an 'id' column", location))
        usable = False
    blank = [str(i) for i, column in enumerate(columns, 1) if not column.strip()]
    if blank:
        read.problems.append(
            Problem(
                "header",
                f"column(s) {', '.join(blank[:10])} have no name; name every column",
                location,
            )
        )
        usable = False
    repeated = sorted(
        column for column, count in Counter(columns).items() if count > 1 and column.strip()
    )
    if repeated:
        shown = ", ".join(printable(c) for c in repeated[:10])
        read.problems.append(Problem("header", f"repeated columns: {shown}", location))
        usable = False
    return usable


def _list_fields(settings: BatchSettings | None) -> set[str]:
    """The columns whose cells are lists (with settings unusable: decided cell by cell)."""
    if settings is None:
        return set()
    template = settings.resolved_template()
    declared = {**template.payload_fields, **settings.payload_fields}
    return {field for field, kind in declared.items() if kind == "text list"} | {
        q.options_from for q in template.questions if getattr(q, "options_from", None)
    }


def _gold_lists(settings: BatchSettings | None) -> dict[str, bool]:
    """Per question id, whether its gold is a list (labels, ranking) or one value: a `|` or `[`
    in a label's gold is part of the label. A question not found (or settings unusable): the
    cell decides."""
    if settings is None:
        return {}
    return {q.id: q.kind in ("labels", "ranking") for q in settings.resolved_template().questions}


def _recorded_lines(pieces: Iterable[str], record: list[str]) -> Iterator[str]:
    """The text's lines as the csv module reads them, each also kept in `record`."""
    for line in csv_lines(pieces):
        record.append(line)
        yield line


def _cell_value(cell: str, as_list: bool | None) -> Any:
    """A CSV cell: lists as a JSON array or ' | '-separated; gold lists the same way."""
    stripped = cell.strip()
    if as_list is False:
        return cell
    if stripped.startswith("["):
        try:
            value = load_json(stripped)
            if isinstance(value, list):
                return value
        except UnreadableJson:
            pass
    if as_list or "|" in stripped:
        return [part.strip() for part in stripped.split("|") if part.strip()]
    return stripped
