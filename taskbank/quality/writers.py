"""Per-writer quality: gold accuracy, agreement with the other writers on shared tasks, and the
approval rate from reviewers, each with the count it rests on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from taskbank.quality.answers import AnswerTable
from taskbank.quality.distances import rank_matrix, set_matrix
from taskbank.quality.grouping import order_by
from taskbank.questions import Question


@dataclass(frozen=True)
class WriterQuality:
    """One writer's figures in a batch."""

    writer_id: str
    answers: int
    gold_answers: int
    gold_correct: int
    pairings: int  # answers compared with another writer's answer to the same question and task
    agreement: float | None  # mean similarity in those pairings (1 = always the same answer)
    reviewed: int  # verdicts by people (automatic ones are not reviews)
    approved: int

    @property
    def gold_accuracy(self) -> float | None:
        """The share of gold tasks this writer answered as the gold answer says."""
        return None if not self.gold_answers else self.gold_correct / self.gold_answers

    @property
    def approval_rate(self) -> float | None:
        """The share of this writer's reviewed answers that reviewers approved."""
        return None if not self.reviewed else self.approved / self.reviewed


def similarity_matrix(question: Question, domain: list[Any]) -> np.ndarray | None:
    """How alike two answers are, 0 to 1, for every two distinct answers; None for free text."""
    kind = question.kind
    if not domain:
        return None
    if kind == "label":
        return np.eye(len(domain))
    if kind == "rating":
        values = np.asarray(domain, dtype=float)
        span = max(question.scale_max - question.scale_min, 1)  # type: ignore[union-attr]
        return 1.0 - np.abs(values[:, None] - values[None, :]) / span
    if kind == "labels":
        return 1.0 - set_matrix(domain, "jaccard")
    if kind == "ranking":
        return 1.0 - rank_matrix(domain)
    return None


def writer_quality(
    table: AnswerTable, reviews: Mapping[str, tuple[int, int]]
) -> list[WriterQuality]:
    """Every writer's figures; `reviews` holds (approved, rejected) by people per writer."""
    writers = len(table.writer_ids)
    similarity_sum = np.zeros(writers)
    pairings = np.zeros(writers)
    for question in table.questions:
        column = table.column(question)
        matrix = similarity_matrix(question, column.domain)
        if matrix is None:
            continue
        task, writer = table.task[column.rows], table.writer[column.rows]
        order = order_by(task)
        codes = column.codes
        if order is not None:
            task, writer, codes = task[order], writer[order], codes[order]
        per_task = np.bincount(task, minlength=table.task_count)
        starts = np.concatenate([[0], np.cumsum(per_task)])[:-1]
        for size in np.unique(per_task[per_task >= 2]):
            chosen = np.flatnonzero(per_task == size)
            grid = starts[chosen][:, None] + np.arange(size)
            for i in range(size):
                for j in range(size):
                    if i != j:
                        score = matrix[codes[grid[:, i]], codes[grid[:, j]]]
                        similarity_sum += np.bincount(
                            writer[grid[:, i]], weights=score, minlength=writers
                        )
                        pairings += np.bincount(writer[grid[:, i]], minlength=writers)
    answers = np.bincount(table.writer, minlength=writers)
    gold = table.stored.gold_correct  # 1 right, 0 wrong, −1 not a gold task
    gold_answers = np.bincount(table.writer[gold >= 0], minlength=writers)
    gold_right = np.bincount(table.writer[gold > 0], minlength=writers)
    found = []
    for index, writer_id in enumerate(table.writer_ids):
        approved, rejected = reviews.get(writer_id, (0, 0))
        found.append(
            WriterQuality(
                writer_id=writer_id,
                answers=int(answers[index]),
                gold_answers=int(gold_answers[index]),
                gold_correct=int(gold_right[index]),
                pairings=int(pairings[index]),
                agreement=None
                if not pairings[index]
                else float(similarity_sum[index] / pairings[index]),
                reviewed=approved + rejected,
                approved=approved,
            )
        )
    return sorted(found, key=lambda w: w.writer_id)
