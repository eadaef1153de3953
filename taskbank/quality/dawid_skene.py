"""Dawid–Skene: each writer's confusion matrix and each task's answer, estimated together by EM.

A writer who often agrees with the emerging consensus (and with gold) gets a sharp confusion
matrix and so more weight; a careless one gets a flat one and little. The loop follows Dawid and
Skene (1979) as `crowd-kit`'s DawidSkene does (majority-vote start, known answers held fixed,
stopping when the evidence lower bound gains less than `tol` per answer), so the two agree to
rounding on the same data; it is written in numpy because crowd-kit's weight (pandas,
scikit-learn, transformers) is not worth one loop.

Arrays over tasks are held class-major (classes × tasks), so every step over the classes of a
task is a handful of long vector operations rather than 100,000 short rows; a task's evidence is
summed slot by slot (its first answer, its second, …) from contiguous index arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-10


@dataclass(frozen=True)
class DawidSkeneFit:
    """Per-task posteriors (tasks × classes), per-writer confusions (writers × given × true)."""

    posteriors: np.ndarray
    confusions: np.ndarray
    priors: np.ndarray
    iterations: int


def majority_shares(task: np.ndarray, label: np.ndarray, tasks: int, classes: int) -> np.ndarray:
    """Each task's share of answers per class (rows sum to 1; all-zero for unanswered tasks)."""
    return _class_major_shares(task, label, tasks, classes).T


def _class_major_shares(
    task: np.ndarray, label: np.ndarray, tasks: int, classes: int
) -> np.ndarray:
    """Classes × tasks: each task's share of answers per class."""
    cells = np.bincount(label * tasks + task, minlength=classes * tasks)
    counts = cells.reshape(classes, tasks).astype(float)
    totals = counts.sum(axis=0)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


class Slots:
    """A task's answers by position: for each slot j, the tasks with a j-th answer (None when
    every task has one) and that answer's row, as contiguous arrays for fast gathers."""

    def __init__(self, task: np.ndarray, tasks: int) -> None:
        order = np.argsort(task, kind="stable")
        ordered = task[order]
        per_task = np.bincount(task, minlength=tasks)
        starts = np.concatenate([[0], np.cumsum(per_task)])[:-1]
        position = np.arange(len(task)) - starts[ordered]
        self.tasks = tasks
        self.slots: list[tuple[np.ndarray | None, np.ndarray]] = []
        for slot in range(int(per_task.max(initial=0))):
            held = position == slot
            holders = ordered[held]
            rows = np.ascontiguousarray(order[held])
            self.slots.append((None if len(holders) == tasks else holders, rows))

    def sum(self, table: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Columns × tasks: Σ over each task's answers of `table[:, index[answer]]`, added in
        slot order (as a running sum over the task's answers would)."""
        total = np.zeros((table.shape[0], self.tasks))
        for holders, rows in self.slots:
            picked = np.take(table, index[rows], axis=1)
            if holders is None:
                total += picked
            else:
                total[:, holders] += picked
        return total


def dawid_skene(
    task: np.ndarray,
    writer: np.ndarray,
    label: np.ndarray,
    *,
    tasks: int,
    writers: int,
    classes: int,
    known: dict[int, int] | None = None,
    n_iter: int = 100,
    tol: float = 1e-5,
) -> DawidSkeneFit:
    """Fit Dawid–Skene to answers (task, writer, class index of each); `known` fixes some tasks'
    true class (gold answers) throughout."""
    task, writer, label = (np.asarray(a, dtype=np.int64) for a in (task, writer, label))
    cells = writers * classes
    cell = writer * classes + label  # (writer, given class) of each answer
    seen = np.zeros(cells, dtype=bool)
    seen[cell] = True
    known_tasks = np.fromiter((known or {}).keys(), np.int64)
    known_classes = np.fromiter((known or {}).values(), np.int64)

    def hold_known(posteriors: np.ndarray) -> np.ndarray:
        if len(known_tasks):
            posteriors[:, known_tasks] = 0.0
            posteriors[known_classes, known_tasks] = 1.0
        return posteriors

    slots = Slots(task, tasks)

    def m_step(posteriors: np.ndarray) -> np.ndarray:
        sums = np.stack(
            [
                np.bincount(cell, weights=posteriors[k].take(task), minlength=cells)
                for k in range(classes)
            ],
            axis=1,
        )
        sums = np.where(seen[:, None], np.maximum(sums, EPS), 0.0).reshape(
            writers, classes, classes
        )
        return sums / sums.sum(axis=1, keepdims=True)

    def task_logs(confusions: np.ndarray) -> np.ndarray:
        """Classes × tasks: Σ over the task's answers of ln Pr(the answer given | true class)."""
        with np.errstate(divide="ignore"):
            logs = np.ascontiguousarray(np.log(confusions.reshape(cells, classes)).T)
        return slots.sum(logs, cell)

    answers_per_task = np.bincount(task, minlength=tasks).astype(float)
    answered = answers_per_task > 0
    everyone = bool(answered.all())

    def prior_of(posteriors: np.ndarray) -> np.ndarray:
        return (posteriors if everyone else posteriors[:, answered]).mean(axis=1)

    def e_step(priors: np.ndarray, logs: np.ndarray) -> np.ndarray:
        scores = logs + np.log(np.maximum(priors, EPS))[:, None]
        scores -= scores.max(axis=0)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=0)
        return scores

    def lower_bound(posteriors: np.ndarray, priors: np.ndarray, logs: np.ndarray) -> float:
        # Σ over answers of Σ_k P(task, k)·(ln e[k] + ln π_k), summed per task first
        # (einsum, not BLAS: these products are too small to gain from its threads, and on a
        # busy machine those threads make each one ten times slower)
        log_priors = np.log(np.maximum(priors, EPS))
        weighted = np.einsum("kt,t->k", posteriors, answers_per_task)
        joint = float(np.einsum("kt,kt->", posteriors, logs)) + float(log_priors @ weighted)
        clipped = np.maximum(posteriors, EPS)
        return joint - float(np.einsum("kt,kt->", clipped, np.log(clipped)))

    posteriors = hold_known(_class_major_shares(task, label, tasks, classes))
    priors = prior_of(posteriors)
    logs = task_logs(m_step(posteriors))
    confusions = np.zeros((writers, classes, classes))
    loss, iterations = -np.inf, 0
    for iterations in range(1, n_iter + 1):  # noqa: B007 - the count is reported
        posteriors = hold_known(e_step(priors, logs))
        priors = prior_of(posteriors)
        confusions = m_step(posteriors)
        logs = task_logs(confusions)
        new_loss = lower_bound(posteriors, priors, logs) / len(task)
        np.maximum(posteriors, EPS, out=posteriors)
        if new_loss - loss < tol:
            break
        loss = new_loss
    return DawidSkeneFit(posteriors.T, confusions, priors, iterations)
