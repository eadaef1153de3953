"""A batch's answers as columns: which task and writer each belongs to, and each question's value
in a form that can be compared (a label, a number, a set, an order), ready for numpy."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import methodcaller
from typing import Any

import numpy as np

from taskbank.questions import Question

Key = Any  # a hashable answer: str, int, tuple of labels (sorted) or of places (in order)


@dataclass(frozen=True)
class StoredAnswers:
    """What the store reads for the figures: one entry per submission, in columns."""

    task_ids: Sequence[int]
    writer_ids: Sequence[str]
    answers: Sequence[Mapping[str, Any]]
    gold_correct: Sequence[bool | None]
    # external id of every task of the batch, and its gold answer if it has one
    tasks: Mapping[int, tuple[str, dict[str, Any] | None]] = field(default_factory=dict)
    # for questions taking options from the payload: task id -> question id -> options
    options: Mapping[int, Mapping[str, list[str]]] = field(default_factory=dict)


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
        self.task, self.task_ids = _indexed(stored.task_ids)
        self.writer, self.writer_ids = _indexed(stored.writer_ids)
        self._columns: dict[str, Column] = {}
        self._keys_seen: dict[str, list[Key | None]] = {}

    @property
    def task_count(self) -> int:
        return len(self.task_ids)

    def column(self, question: Question, *, fixed_domain: Sequence[Key] | None = None) -> Column:
        """The coded answers to one question (cached); `fixed_domain` gives codes in that order."""
        cached = self._columns.get(question.id)
        if cached is not None and fixed_domain is None:
            return cached
        keys = self._keys_seen.get(question.id)
        if keys is None:
            keys = self._keys_seen[question.id] = self._keys(question)
        if None in keys:
            rows = [row for row, key in enumerate(keys) if key is not None]
            present = [keys[row] for row in rows]
        else:  # every submission answered it: the common case, kept to C-speed passes
            rows, present = list(range(len(keys))), keys
        coding: dict[Key, int] = {value: i for i, value in enumerate(fixed_domain or ())}
        for value in dict.fromkeys(present):  # first-seen order, at C speed
            coding.setdefault(value, len(coding))
        codes = np.fromiter(map(coding.__getitem__, present), np.int64, len(present))
        column = Column(np.asarray(rows, np.int64), codes, list(coding))
        if fixed_domain is None:
            self._columns[question.id] = column
        return column

    def _keys(self, question: Question) -> list[Key | None]:
        answers, qid = self.stored.answers, question.id
        raw = list(map(methodcaller("get", qid), answers))
        kind = question.kind
        # Stored answers were validated: an unanswered question is missing, None or blank.
        if kind in ("label", "text", "rewrite", "rating"):
            return [None if value == "" else value for value in raw] if "" in raw else raw
        if kind == "labels":
            # stored in the options' order, so one set is always one tuple
            if None not in raw:
                return list(map(tuple, raw))
            return [None if value is None else tuple(value) for value in raw]
        if kind == "ranking":
            if getattr(question, "options_from", None) is None:
                return [
                    tuple(value) if isinstance(value, list) and value else None for value in raw
                ]
            # Options differ per task: a ranking is compared by the places it gives the task's
            # options in the order the task listed them.
            return [
                self._places(task_id, qid, value)
                for task_id, value in zip(self.stored.task_ids, raw, strict=True)
            ]
        return [None] * len(raw)

    def _places(self, task_id: int, qid: str, value: Any) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not value:
            return None
        listed = self.stored.options.get(task_id, {}).get(qid)
        if not listed:
            return tuple(value)
        position = {option: f"#{i + 1}" for i, option in enumerate(listed)}
        return tuple(position.get(item, item) for item in value)


def _indexed(ids: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each id's index (in first-seen order) and the ids in that order."""
    distinct = list(dict.fromkeys(ids))
    index = {value: i for i, value in enumerate(distinct)}
    return np.fromiter(map(index.__getitem__, ids), np.int64, len(ids)), distinct


def stored_answers(
    submissions: Sequence[Sequence[Any]],
    tasks: Sequence[Sequence[Any]],
    option_fields: Mapping[str, str] | None = None,
) -> StoredAnswers:
    """Build the columns from the store's rows: submissions as (task id, writer id, answers
    JSON, gold_correct), tasks as (id, external id, gold JSON, payload JSON or None);
    `option_fields` maps a question to the payload field its options come from."""
    loads = json.loads
    task_ids = [row[0] for row in submissions]
    writer_ids = [row[1] for row in submissions]
    answers = [loads(row[2]) for row in submissions]
    gold_correct = [None if row[3] is None else bool(row[3]) for row in submissions]
    by_task = {row[0]: (row[1], None if row[2] is None else loads(row[2])) for row in tasks}
    options: dict[int, dict[str, list[str]]] = {}
    if option_fields:
        for row in tasks:
            payload = loads(row[3]) if row[3] else {}
            options[row[0]] = {
                qid: payload[name]
                for qid, name in option_fields.items()
                if isinstance(payload.get(name), list)
            }
    return StoredAnswers(task_ids, writer_ids, answers, gold_correct, by_task, options)


def option_fields(questions: Sequence[Question]) -> dict[str, str]:
    """Ranking questions whose options come from each task's payload, with that field."""
    return {
        q.id: q.options_from  # type: ignore[union-attr]
        for q in questions
        if q.kind == "ranking" and getattr(q, "options_from", None)
    }
