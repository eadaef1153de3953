"""Majority votes for sets of labels and for rankings, vectorised over every task of a batch.

A set keeps each option more than half the task's answers chose (exactly half is a tie); a
ranking orders options by their mean place (Borda; equal means are a tie). The confidence is the
share of the task's answers identical to the result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from taskbank.quality.answers import Column
from taskbank.quality.grouping import Grouping


def sum_by(group: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Row sums of `values` (answers × columns) per group (groups × columns)."""
    return Grouping(group, groups).sum(values)


def _named(rows: np.ndarray, name_row) -> list[Any]:  # type: ignore[no-untyped-def]
    """Each task's result, naming each distinct result once."""
    distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
    names = [name_row(row) for row in distinct]
    return [names[i] for i in inverse.ravel()]


def set_vote(
    column: Column, task: np.ndarray, tasks: int
) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Per task: the chosen set (a list), the share of answers equal to it, and whether tied."""
    items = sorted({item for value in column.domain for item in value})
    member = np.zeros((len(column.domain), len(items)))
    for row, value in enumerate(column.domain):
        member[row, [items.index(item) for item in value]] = 1.0
    given = member[column.codes]
    answers = np.bincount(task, minlength=tasks)
    chosen = sum_by(task, given, tasks)
    half = answers[:, None] / 2
    decided = chosen > half
    tied = (chosen == half).any(axis=1) & (answers >= 2)
    same = (given.astype(bool) == decided[task]).all(axis=1)
    share = _share(task, same, answers, tasks)
    # Each task's set as a bit mask (at most 25 options), so naming the distinct sets is cheap.
    masks = decided.astype(np.int64) @ (np.int64(1) << np.arange(len(items), dtype=np.int64))
    distinct, inverse = np.unique(masks, return_inverse=True)
    names = [[items[i] for i in range(len(items)) if int(mask) >> i & 1] for mask in distinct]
    answer = [names[i] for i in inverse.ravel()]
    return _blank_unanswered(answer, answers), share, tied


def rank_vote(
    column: Column, task: np.ndarray, tasks: int
) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Per task: options by mean place (a list), the share of answers equal to it, and whether
    two options tie on their mean place."""
    items = sorted({item for value in column.domain for item in value})
    places = np.full((len(column.domain), len(items)), np.nan)
    for row, value in enumerate(column.domain):
        places[row, [items.index(item) for item in value]] = np.arange(len(value))
    given = places[column.codes]
    held = ~np.isnan(given)
    answers = np.bincount(task, minlength=tasks)
    counted = sum_by(task, held.astype(float), tasks)
    mean = np.divide(
        sum_by(task, np.nan_to_num(given), tasks), counted, out=np.full_like(counted, np.inf),
        where=counted > 0,
    )  # fmt: skip
    order = np.argsort(mean, axis=1, kind="stable")
    ranked = np.take_along_axis(mean, order, axis=1)
    finite = np.isfinite(ranked)
    tied = ((ranked[:, 1:] == ranked[:, :-1]) & finite[:, 1:]).any(axis=1) & (answers >= 2)
    result_place = np.argsort(order, axis=1).astype(float)
    result_place[~np.isfinite(mean)] = np.nan
    same = np.all(np.where(held, given == result_place[task], True), axis=1)
    share = _share(task, same, answers, tasks)
    keyed = np.where(finite, order, -1)
    answer = _named(keyed, lambda row: [items[i] for i in row if i >= 0])
    return _blank_unanswered(answer, answers), share, tied


def _share(task: np.ndarray, same: np.ndarray, answers: np.ndarray, tasks: int) -> np.ndarray:
    agreeing = np.bincount(task, weights=same.astype(float), minlength=tasks)
    return np.divide(agreeing, answers, out=np.full(tasks, np.nan), where=answers > 0)


def _blank_unanswered(answer: list[Any], answers: np.ndarray) -> list[Any]:
    return [value if count else None for value, count in zip(answer, answers.tolist(), strict=True)]
