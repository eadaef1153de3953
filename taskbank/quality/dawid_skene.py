"""Dawid–Skene: each writer's confusion matrix and each task's answer, estimated together by EM.

A writer who often agrees with the emerging consensus (and with gold) gets a sharp confusion
matrix and so more weight; a careless one gets a flat one and little. The loop follows Dawid and
Skene (1979) as `crowd-kit`'s DawidSkene does (majority-vote start, known answers held fixed,
stopping when the evidence lower bound gains less than `tol` per answer), so the two agree to
rounding on the same data; it is written in numpy because crowd-kit's weight (pandas,
scikit-learn, transformers) is not worth one loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taskbank.quality.grouping import Grouping

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
    cells = np.bincount(task * classes + label, minlength=tasks * classes)
    counts = cells.reshape(tasks, classes).astype(float)
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


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
    cell = writer * classes + label  # (writer, given class) of each answer
    seen = np.zeros(writers * classes, dtype=bool)
    seen[cell] = True
    known_tasks = np.fromiter((known or {}).keys(), np.int64)
    known_classes = np.fromiter((known or {}).values(), np.int64)

    def hold_known(posteriors: np.ndarray) -> np.ndarray:
        if len(known_tasks):
            posteriors[known_tasks] = 0.0
            posteriors[known_tasks, known_classes] = 1.0
        return posteriors

    by_task = Grouping(task, tasks)

    def m_step(posteriors: np.ndarray) -> np.ndarray:
        sums = np.stack(
            [
                np.bincount(cell, weights=posteriors[task, k], minlength=writers * classes)
                for k in range(classes)
            ],
            axis=1,
        )
        sums = np.where(seen[:, None], np.maximum(sums, EPS), 0.0).reshape(
            writers, classes, classes
        )
        return sums / sums.sum(axis=1, keepdims=True)

    def answer_logs(confusions: np.ndarray) -> np.ndarray:
        """ln Pr(the answer given | each true class), per answer."""
        with np.errstate(divide="ignore"):
            return np.log(confusions.reshape(writers * classes, classes))[cell]

    answers_per_task = np.bincount(task, minlength=tasks)[:, None]

    def e_step(priors: np.ndarray, task_logs: np.ndarray) -> np.ndarray:
        scores = np.log(np.maximum(priors, EPS)) + task_logs
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def lower_bound(posteriors: np.ndarray, priors: np.ndarray, task_logs: np.ndarray) -> float:
        # Σ over answers of Σ_k P(task, k)·(ln e[k] + ln π_k), summed per task first
        log_priors = np.log(np.maximum(priors, EPS))
        joint = float(np.sum(posteriors * (task_logs + answers_per_task * log_priors)))
        clipped = np.maximum(posteriors, EPS)
        return joint - float(np.sum(clipped * np.log(clipped)))

    answered = np.bincount(task, minlength=tasks) > 0
    posteriors = hold_known(majority_shares(task, label, tasks, classes))
    priors = posteriors[answered].mean(axis=0)
    task_logs = by_task.sum(answer_logs(m_step(posteriors)))
    confusions = np.zeros((writers, classes, classes))
    loss, iterations = -np.inf, 0
    for iterations in range(1, n_iter + 1):  # noqa: B007 - the count is reported
        posteriors = hold_known(e_step(priors, task_logs))
        priors = posteriors[answered].mean(axis=0)
        confusions = m_step(posteriors)
        task_logs = by_task.sum(answer_logs(confusions))
        new_loss = lower_bound(posteriors, priors, task_logs) / len(task)
        posteriors = np.maximum(posteriors, EPS)
        if new_loss - loss < tol:
            break
        loss = new_loss
    return DawidSkeneFit(posteriors, confusions, priors, iterations)
