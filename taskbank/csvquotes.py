"""CSV quote trouble explained: a quoted cell opened and never closed, closed too early, or run
on into rows of its own, located on the line where its quote opened."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence

from taskbank.errors import Problem
from taskbank.safejson import printable


def csv_problem(
    error: csv.Error, record: Sequence[str], first: int, name: str, field: str
) -> Problem:
    """A csv error explained: most are a quote opened and never closed where it should be."""
    trouble = _quote_trouble(record, first)
    if trouble is None:
        where = f"{name}:{first + len(record) - 1}"
        if "field larger than field limit" in str(error):
            limit = csv.field_size_limit()
            return Problem(
                field, f"a cell is over {limit:,} characters, the most a cell may hold", where
            )
        return Problem(field, f"unreadable CSV ({error})", where)
    opened, stray = trouble
    if stray is None:
        message = (
            f"the quoted cell opened on line {opened} is never closed (read to line "
            f"{first + len(record) - 1}); close it with a quote"
        )
    else:
        message = (
            f"the quoted cell opened on line {opened} has text right after its closing quote "
            f"on line {stray}; close the quote where the cell ends"
        )
    return Problem(
        field, message + ', and double any quote inside a quoted cell ("")', f"{name}:{opened}"
    )


def _quote_trouble(lines: Sequence[str], first: int) -> tuple[int, int | None] | None:
    """Quote trouble in a record's raw lines (the first numbered `first`): (the line its last
    quoted cell opened on, the line where text follows its closing quote, or None when it is
    still open at the end), or None when the quotes balance."""
    state, opened = "start", first
    for number, line in enumerate(lines, first):
        for char in line:
            if state == "quoted":
                if char == '"':
                    state = "closing"
            elif state == "closing":
                if char == '"':
                    state = "quoted"
                elif char in ",\r\n":
                    state = "start"
                else:
                    return opened, number
            elif state == "start" and char == '"':
                state, opened = "quoted", number
            else:
                state = "start" if char in ",\r\n" else "field"
    return (opened, None) if state == "quoted" else None


def _id_shape(task_id: str) -> str:
    """An id with its runs of letters and digits generalised: 't-0001' and 't-0002' share one."""
    return re.sub(r"[0-9]+", "0", re.sub(r"[^\W\d_]+", "a", task_id))


def swallowed_row(
    record: Sequence[str], first: int, width: int, id_index: int, row_id: str
) -> tuple[int, str] | None:
    """A row that spans lines because a quote was left open reads, on a later line, as a row of
    its own: as many cells as the header, and an id shaped like this row's. (line, message)."""
    shape = _id_shape(row_id.strip())
    if not row_id.strip() or "\n" in row_id or "\r" in row_id:
        return None
    for offset, line in enumerate(record[1:], 1):
        cells = next(csv.reader([line]), [])
        if len(cells) != width:
            continue
        candidate = cells[id_index].strip()
        # Prose continues with ", " and words; a swallowed row starts its cells flush, and its
        # id carries a number (t-02 after t-01), so a line of dialogue is never taken for one.
        flush = all(not cell[:1].isspace() for cell in cells)
        numbered = any(c.isdigit() for c in candidate)
        if (
            candidate
            and flush
            and numbered
            and not any(c.isspace() for c in candidate)
            and _id_shape(candidate) == shape
        ):
            opened, _ = _quote_trouble(record[:offset], first) or (first, None)
            return opened, (
                f"the quoted cell opened on line {opened} runs on to line {first + offset}, "
                f"which reads as a row of its own (id '{printable(candidate)}'); close the quote "
                'where the cell ends, and double any quote inside a quoted cell ("")'
            )
    return None
