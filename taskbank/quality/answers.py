"""A batch's answers as columns: which task and writer each belongs to, and each question's value
in a form that can be compared (a label, a number, a set, an order), ready for numpy.

The store reads one row per submission with each question's answer already cut out of the
answers JSON by the database (its JSON text), so nothing here parses a whole answer per row: each
column decodes only its distinct texts, and everything after is integer codes in numpy arrays.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from taskbank.questions import Question

Key = Any  # a hashable answer: str, int, tuple of labels (sorted) or of places (in order)
FIXED_COLUMNS = 3  # task id, writer id, gold (1 right, 0 wrong, -1 not gold); then the answers


@dataclass(frozen=True)
class StoredAnswers:
    """What the store reads for the figures, as it read it (decoding waits for the figures'
    thread): one row per submission, grouped by task — (task id, writer id, gold as 1/0/−1,
    then the JSON text of its answer to each of `question_ids`, None when absent) — and one row
    per answered task of the batch — (id, external id, gold JSON, payload JSON or None)."""

    question_ids: Sequence[str]
    submissions: Sequence[Sequence[Any]]
    tasks: Sequence[Sequence[Any]] = ()
    # for ranking questions taking options from the payload: question id -> payload field
    option_fields: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def columns(self) -> list[Sequence[Any]]:
        """The submissions' rows turned into columns."""
        if not self.submissions:
            return [() for _ in range(FIXED_COLUMNS + len(self.question_ids))]
        return list(zip(*self.submissions, strict=True))

    @cached_property
    def gold_correct(self) -> np.ndarray:
        """Per submission: 1 right on a gold task, 0 wrong, −1 not a gold task."""
        column = self.columns[2]
        return np.fromiter(column, np.int8, len(column))

    @cached_property
    def by_task(self) -> dict[int, tuple[str, dict[str, Any] | None]]:
        """Every answered task of the batch: its external id and gold answer (if any)."""
        loads = json.loads
        return {row[0]: (row[1], None if row[2] is None else loads(row[2])) for row in self.tasks}

    @cached_property
    def options(self) -> dict[int, dict[str, list[str]]]:
        """For questions taking options from the payload: task id -> question id -> options."""
        found: dict[int, dict[str, list[str]]] = {}
        if self.option_fields:
            for row in self.tasks:
                payload = json.loads(row[3]) if row[3] else {}
                found[row[0]] = {
                    qid: payload[name]
                    for qid, name in self.option_fields.items()
                    if isinstance(payload.get(name), list)
                }
        return found


@dataclass(frozen=True)
class Column:
    """One question's answers: the submission (row) of each, and its value code."""

    rows: np.ndarray
    codes: np.ndarray
    domain: list[Key]  # code -> value

    def values(self) -> list[Key]:
        """Each answer's value, in row order."""
        return [self.domain[code] for code in self.codes]


class AnswerTable:
    """Submissions indexed by task (0..tasks−1) and writer (0..writers−1)."""

    def __init__(self, stored: StoredAnswers, questions: Sequence[Question]) -> None:
        self.stored = stored
        self.questions = list(questions)
        columns = stored.columns
        self.task, self.task_ids = _indexed_numbers(columns[0])
        self.writer, self.writer_ids = _indexed(columns[1])
        self._columns: dict[str, Column] = {}
        self._place = {qid: FIXED_COLUMNS + i for i, qid in enumerate(stored.question_ids)}

    @property
    def task_count(self) -> int:
        return len(self.task_ids)

    @cached_property
    def external_ids(self) -> list[str]:
        """Each task's external id (its number when the store did not say)."""
        by_task = self.stored.by_task
        return [by_task.get(task_id, (str(task_id), None))[0] for task_id in self.task_ids]

    @cached_property
    def gold(self) -> dict[int, dict[str, Any]]:
        """The gold answer of each gold task, by task index."""
        index = {task_id: i for i, task_id in enumerate(self.task_ids)}
        return {
            index[task_id]: gold
            for task_id, (_, gold) in self.stored.by_task.items()
            if gold is not None and task_id in index
        }

    def column(self, question: Question, *, fixed_domain: Sequence[Key] | None = None) -> Column:
        """The coded answers to one question (cached); `fixed_domain` gives codes in that order."""
        cached = self._columns.get(question.id)
        if cached is not None and fixed_domain is None:
            return cached
        place = self._place.get(question.id)
        texts: Sequence[Any] = () if place is None else self.stored.columns[place]
        if question.kind == "ranking" and getattr(question, "options_from", None):
            column = self._coded_per_task(question, texts, fixed_domain)
        else:
            column = _coded(texts, lambda text: _key(question.kind, text), fixed_domain)
        if fixed_domain is None:
            self._columns[question.id] = column
        return column

    def _coded_per_task(
        self, question: Question, texts: Sequence[Any], fixed_domain: Sequence[Key] | None
    ) -> Column:
        """A ranking whose options differ per task is compared by the places it gives the
        task's options in the order the task listed them, so its key depends on the task."""
        decoded = {text: _key("ranking", text) for text in dict.fromkeys(texts)}
        task_ids = self.stored.columns[0]
        keys = [
            self._places(task_id, question.id, decoded[text])
            for task_id, text in zip(task_ids, texts, strict=True)
        ]
        return _coded(keys, lambda key: key, fixed_domain)

    def _places(self, task_id: int, qid: str, value: Any) -> tuple[str, ...] | None:
        if value is None:
            return None
        listed = self.stored.options.get(task_id, {}).get(qid)
        if not listed:
            return value
        position = {option: f"#{i + 1}" for i, option in enumerate(listed)}
        return tuple(position.get(item, item) for item in value)


def _key(kind: str, text: Any) -> Key | None:
    """The comparable value of one stored answer (its JSON text), None when unanswered.
    Stored answers were validated: an unanswered question is missing, null or blank."""
    if text is None:
        return None
    value = json.loads(text) if isinstance(text, str) else text
    if kind in ("label", "text", "rewrite", "rating"):
        return None if value == "" else value
    if kind == "labels":  # stored in the options' order, so one set is always one tuple
        return None if value is None else tuple(value)
    if kind == "ranking":
        return tuple(value) if isinstance(value, list) and value else None
    return None


def _coded(texts: Sequence[Any], key_of: Any, fixed_domain: Sequence[Key] | None) -> Column:
    """Codes for a column, decoding each distinct text once: values in first-seen order (after
    `fixed_domain`), rows without an answer left out."""
    coding: dict[Key, int] = {value: i for i, value in enumerate(fixed_domain or ())}
    code_of_text: dict[Any, int] = {}
    for text in dict.fromkeys(texts):  # first-seen order, at C speed
        key = key_of(text)
        code_of_text[text] = -1 if key is None else coding.setdefault(key, len(coding))
    codes = np.fromiter(map(code_of_text.__getitem__, texts), np.int64, len(texts))
    if code_of_text and min(code_of_text.values()) < 0:
        rows = np.flatnonzero(codes >= 0)
        codes = codes[rows]
    else:  # every submission answered it: the common case
        rows = np.arange(len(codes), dtype=np.int64)
    return Column(rows, codes, list(coding))


def _indexed(ids: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each id's index (in first-seen order) and the ids in that order."""
    index = {value: i for i, value in enumerate(dict.fromkeys(ids))}
    return np.fromiter(map(index.__getitem__, ids), np.int64, len(ids)), list(index)


def _indexed_numbers(ids: Sequence[int]) -> tuple[np.ndarray, list[int]]:
    """`_indexed` for integer ids, in numpy: the store sends them grouped and ascending."""
    numbers = np.fromiter(ids, np.int64, len(ids))
    if len(numbers) < 2 or bool(np.all(numbers[1:] >= numbers[:-1])):
        starts = np.r_[True, numbers[1:] != numbers[:-1]] if len(numbers) else numbers.astype(bool)
        return np.cumsum(starts) - 1, numbers[starts].tolist()
    return _indexed(numbers.tolist())


def option_fields(questions: Sequence[Question]) -> dict[str, str]:
    """Ranking questions whose options come from each task's payload, with that field."""
    return {
        q.id: q.options_from  # type: ignore[union-attr]
        for q in questions
        if q.kind == "ranking" and getattr(q, "options_from", None)
    }
