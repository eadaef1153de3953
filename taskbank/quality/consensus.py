"""Consensus answers: one aggregated answer per task and question, with how sure it is.

`label` and `rating` answers are aggregated by Dawid–Skene (method "model": writers weighted by
their estimated confusion, gold answers held as known) when at least two writers share tasks,
else by majority vote ("vote"); `labels` keeps each option more than half the writers chose;
`ranking` orders options by their mean place (Borda). A task answered once keeps that answer
("single"). A task whose answer on some question is tied or less than `min_confidence` sure
needs adjudication, unless it is a gold task (its answer is known) or a reviewer settled it.
That is the one definition of "no clear consensus": the figures count it and the adjudication
queue serves it (`Consensus.needs_adjudication`); its floor and method come from the batch's
quality policy (the config's [quality] min_confidence and consensus). Free text has no consensus.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from taskbank.qualification import MIN_CONFIDENCE
from taskbank.quality.answers import AnswerTable
from taskbank.quality.dawid_skene import dawid_skene, majority_shares
from taskbank.quality.votes import rank_vote, set_vote
from taskbank.questions import Question


@dataclass(frozen=True)
class QuestionConsensus:
    """One question's consensus over the batch's tasks (arrays indexed by task)."""

    question_id: str
    method: str  # model, vote
    answer: Sequence[Any]  # per task: the consensus value, or None
    confidence: np.ndarray  # per task; NaN where no consensus was computed
    answers: np.ndarray  # per task: how many answers it rests on
    unclear: np.ndarray  # per task: tied or below the confidence floor


@dataclass(frozen=True)
class TaskConsensus:
    """A task's aggregated answer: per question its value, confidence and method."""

    task_id: int
    external_id: str
    answers: int
    answer: dict[str, Any]
    confidence: dict[str, float | None]
    method: dict[str, str]
    needs_adjudication: bool


@dataclass(frozen=True)
class Consensus:
    """Every task's consensus in a batch."""

    task_ids: list[int]
    external_ids: list[str]
    submissions: np.ndarray  # per task
    questions: list[QuestionConsensus]
    settled: frozenset[int] = frozenset()  # tasks a reviewer has adjudicated
    gold: np.ndarray | None = None  # per task: whether it is a gold task (its answer is known)

    @property
    def needs_adjudication(self) -> np.ndarray:
        """Per task: whether some question lacks a clear consensus, the task is not gold, and no
        reviewer settled it."""
        flags = np.zeros(len(self.task_ids), dtype=bool)
        for question in self.questions:
            flags |= question.unclear
        if self.gold is not None:
            flags &= ~self.gold
        if self.settled:
            flags &= ~np.isin(np.asarray(self.task_ids), list(self.settled))
        return flags

    def unclear_questions(self, index: int) -> list[str]:
        """The questions on which the task at `index` lacks a clear consensus."""
        return [q.question_id for q in self.questions if q.unclear[index]]

    def tasks_without_consensus(self) -> list[int]:
        """Ids of the tasks that need adjudication, in task order."""
        return [self.task_ids[i] for i in np.flatnonzero(self.needs_adjudication)]

    def rows(self) -> Iterator[TaskConsensus]:
        """One record per task."""
        flags = self.needs_adjudication
        for i, task_id in enumerate(self.task_ids):
            answer, confidence, method = {}, {}, {}
            for question in self.questions:
                answer[question.question_id] = question.answer[i]
                value = question.confidence[i]
                confidence[question.question_id] = (
                    None if np.isnan(value) else round(float(value), 4)
                )
                method[question.question_id] = (
                    "single" if question.answers[i] == 1 else question.method
                )
            yield TaskConsensus(
                task_id,
                self.external_ids[i],
                int(self.submissions[i]),
                answer,
                confidence,
                method,
                bool(flags[i]),
            )


def batch_consensus(
    table: AnswerTable,
    gold: Mapping[int, Mapping[str, Any]],
    *,
    min_confidence: float = MIN_CONFIDENCE,
    external_ids: Sequence[str] = (),
    method: str = "model",
    settled: frozenset[int] = frozenset(),
) -> Consensus:
    """Aggregate every question with a consensus rule; `gold` is the gold answer of each gold
    task, by task index; `method` "vote" keeps to majority vote where the model would run."""
    if method not in ("model", "vote"):
        raise ValueError(f"unknown consensus method '{method}'; expected model or vote")
    questions = []
    for question in table.questions:
        if question.kind in ("label", "rating"):
            questions.append(_categorical(table, question, gold, min_confidence, method))
        elif question.kind in ("labels", "ranking"):
            questions.append(_by_task(table, question, min_confidence))
    submissions = np.bincount(table.task, minlength=table.task_count)
    has_gold = np.zeros(table.task_count, dtype=bool)
    has_gold[np.fromiter(gold.keys(), np.int64, len(gold))] = True
    return Consensus(
        list(table.task_ids), list(external_ids), submissions, questions, settled, has_gold
    )


def _categorical(
    table: AnswerTable,
    question: Question,
    gold: Mapping[int, Mapping[str, Any]],
    floor: float,
    method: str,
) -> QuestionConsensus:
    column = table.column(question)
    tasks, writers, classes = table.task_count, len(table.writer_ids), len(column.domain)
    task, writer = table.task[column.rows], table.writer[column.rows]
    answers = np.bincount(task, minlength=tasks)
    if classes == 0:
        return QuestionConsensus(
            question.id,
            "vote",
            [None] * tasks,
            np.full(tasks, np.nan),
            answers,
            np.zeros(tasks, bool),
        )
    shares = majority_shares(task, column.codes, tasks, classes)
    shared = np.count_nonzero(answers >= 2) > 0 and len(np.unique(writer)) >= 2
    if shared and method == "model":
        coding = {value: code for code, value in enumerate(column.domain)}
        known = {}
        for i, expected in gold.items():
            value = expected.get(question.id)
            if _hashable(value) and value in coding:
                known[i] = coding[value]
        fit = dawid_skene(
            task, writer, column.codes, tasks=tasks, writers=writers, classes=classes, known=known
        )
        scores = fit.posteriors.T  # classes × tasks: the model works class-major
        # an even split between the two likeliest answers is a tie, as in a vote
        top_two = np.sort(scores, axis=0)[-2:] if classes >= 2 else None
        tied = np.zeros(tasks, bool) if top_two is None else np.isclose(top_two[0], top_two[1])
    else:
        scores, method = shares.T, "vote"
        top = shares.max(axis=1, keepdims=True)
        tied = np.count_nonzero(np.isclose(shares, top) & (shares > 0), axis=1) > 1
    best = scores.argmax(axis=0)
    confidence = np.take_along_axis(scores, best[None, :], axis=0)[0]
    answered = answers > 0
    confidence = np.where(answered, confidence, np.nan)
    unclear = answered & (answers >= 2) & (tied | (confidence < floor))
    return QuestionConsensus(
        question.id, method, _Decided(best, answered, column.domain), confidence, answers, unclear
    )


class _Decided(Sequence[Any]):
    """Per task, the consensus value (None where unanswered), named only when read: a batch's
    figures need the codes, an export the values."""

    def __init__(self, codes: np.ndarray, answered: np.ndarray, domain: list[Any]) -> None:
        self._codes, self._answered, self._domain = codes, answered, domain

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._domain[self._codes[i]] if self._answered[i] else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _by_task(table: AnswerTable, question: Question, floor: float) -> QuestionConsensus:
    """Sets by per-option majority, rankings by mean place (see votes.py)."""
    column = table.column(question)
    tasks = table.task_count
    task = table.task[column.rows]
    vote = set_vote if question.kind == "labels" else rank_vote
    answer, confidence, tied = vote(column, task, tasks)
    answers = np.bincount(task, minlength=tasks)
    unclear = (answers >= 2) & (tied | (np.nan_to_num(confidence, nan=1.0) < floor))
    if question.kind == "ranking":
        answer = [_named(table, question, i, value) for i, value in enumerate(answer)]
    return QuestionConsensus(question.id, "vote", answer, confidence, answers, unclear)


def _named(table: AnswerTable, question: Question, task: int, decided: list[str] | None) -> Any:
    """A ranking compared by places (options from the payload) told again by option names."""
    listed = table.stored.options.get(table.task_ids[task], {}).get(question.id)
    if decided is None or not listed:
        return decided
    named = {f"#{i + 1}": option for i, option in enumerate(listed)}
    return [named.get(item, item) for item in decided]
