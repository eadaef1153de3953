"""Krippendorff's alpha over any distance, from coded answers, with a bootstrap over tasks.

α = 1 − D_o / D_e: D_o is the mean distance between answers to the same task (each task's
pairs weighted 1/(m−1), m its answers), D_e the mean distance between any two answers. Tasks with
fewer than two answers are not pairable and count for nothing. Every step is a numpy array
operation, so 100,000 tasks cost milliseconds; the per-task sums kept here let the bootstrap
recompute alpha for a resample of tasks without touching the answers again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from taskbank.quality.grouping import order_by

DENSE_LIMIT = 20_000_000  # cells of a tasks × values matrix worth holding for the bootstrap


@dataclass(frozen=True)
class Coincidences:
    """One question's answers reduced to what alpha needs, per task and overall."""

    pairable: np.ndarray  # answers per task, 0 where fewer than two
    disagreement: np.ndarray  # per task: Σ over ordered pairs of δ, over (m − 1)
    agreement: np.ndarray  # per task: Σ over ordered pairs of [equal], over (m − 1)
    units: np.ndarray  # the task of each pairable answer
    codes: np.ndarray  # the value code of each pairable answer
    value_counts: np.ndarray  # pairable answers per value code

    @property
    def unit_count(self) -> int:
        """Tasks with two answers or more."""
        return int(np.count_nonzero(self.pairable))

    @property
    def pairable_count(self) -> int:
        """Answers in those tasks."""
        return int(self.pairable.sum())

    @cached_property
    def per_task_counts(self) -> np.ndarray:
        """Tasks × values: how many answers of each value each task got (for the bootstrap)."""
        tasks, values = len(self.pairable), len(self.value_counts)
        cells = np.bincount(self.units * values + self.codes, minlength=tasks * values)
        return cells.reshape(tasks, values).astype(float)


def coincidences(
    units: np.ndarray, codes: np.ndarray, task_count: int, matrix: np.ndarray
) -> Coincidences:
    """Reduce answers (task index and value code of each) under a distance matrix."""
    units = np.asarray(units, dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    order = order_by(units)
    if order is not None:
        units, codes = units[order], codes[order]
    per_task = np.bincount(units, minlength=task_count)
    keep = per_task[units] >= 2
    units, codes = units[keep], codes[keep]
    pairable = np.where(per_task >= 2, per_task, 0)
    disagreement = np.zeros(task_count)
    agreement = np.zeros(task_count)
    starts = np.concatenate([[0], np.cumsum(pairable)])[:-1]
    for size in np.unique(pairable[pairable >= 2]):
        tasks = np.flatnonzero(pairable == size)
        grid = codes[starts[tasks][:, None] + np.arange(size)]
        first, second = np.triu_indices(int(size), k=1)
        left, right = grid[:, first], grid[:, second]
        disagreement[tasks] = 2 * matrix[left, right].sum(axis=1) / (size - 1)
        agreement[tasks] = 2 * (left == right).sum(axis=1) / (size - 1)
    counts = np.bincount(codes, minlength=matrix.shape[0]).astype(float)
    return Coincidences(pairable, disagreement, agreement, units, codes, counts)


def alpha_of(parts: Coincidences, matrix: np.ndarray) -> float | None:
    """Alpha, or None when it is undefined (under two pairable answers, or no variation)."""
    n = parts.pairable_count
    if n < 2:
        return None
    expected = parts.value_counts @ matrix @ parts.value_counts / (n * (n - 1))
    if expected <= 0:
        return None
    return float(1.0 - (parts.disagreement.sum() / n) / expected)


def observed_agreement(parts: Coincidences) -> float | None:
    """The share of pairable answer pairs that agree exactly (Krippendorff's A_o, nominal)."""
    n = parts.pairable_count
    return None if n < 2 else float(parts.agreement.sum() / n)


def resample_weights(
    generator: np.random.Generator, task_count: int, resamples: int
) -> Iterator[np.ndarray]:
    """How often each task is drawn in each bootstrap resample, a chunk of resamples at a time:
    every question of a batch is resampled with the same draws of tasks."""
    chunk = max(1, min(resamples, 4_000_000 // max(task_count, 1)))
    done = 0
    while done < resamples:
        size = min(chunk, resamples - done)
        drawn = generator.integers(0, task_count, size=(size, task_count))
        offsets = (np.arange(size) * task_count)[:, None]
        counts = np.bincount((drawn + offsets).ravel(), minlength=size * task_count)
        yield counts.reshape(size, task_count).astype(float)
        done += size


def replicate_alphas(
    parts: Coincidences, matrix: np.ndarray, weights: np.ndarray, level: str | None = None
) -> np.ndarray:
    """Alpha in each resample (rows of `weights`, one weight per task); NaN where undefined.
    The ordinal distance depends on how often each value was given, so with `level` "ordinal"
    each resample gets its own distances from its own counts."""
    n = weights @ parts.pairable
    values = matrix.shape[0]
    if level == "ordinal":
        return _ordinal_replicates(parts, weights, n)
    observed = weights @ parts.disagreement
    if len(parts.pairable) * values <= DENSE_LIMIT:
        counts = weights @ parts.per_task_counts
    else:
        counts = np.stack(
            [
                np.bincount(parts.codes, weights=row[parts.units], minlength=values)
                for row in weights
            ]
        )
    expected = np.einsum("rc,ck,rk->r", counts, matrix, counts)
    return _alpha(observed, expected, n)


def _ordinal_replicates(parts: Coincidences, weights: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Ordinal alpha per resample, each with the distances its own value counts make: observed
    disagreement from the resampled coincidences (per task n·nᵀ/(m − 1); δ(c, c) = 0, so the
    diagonal adds nothing), expected from the resampled counts."""
    counts_per_task = parts.per_task_counts
    pairable = np.maximum(parts.pairable - 1, 1)[:, None, None]
    per_task = counts_per_task[:, :, None] * counts_per_task[:, None, :] / pairable
    values = counts_per_task.shape[1]  # ordinal is for ratings: at most 11 values, so this is small
    coincident = (weights @ per_task.reshape(len(per_task), -1)).reshape(-1, values, values)
    counts = weights @ counts_per_task
    cumulative = np.concatenate([np.zeros((len(counts), 1)), np.cumsum(counts, axis=1)], axis=1)
    places = np.arange(counts.shape[1])
    low, high = np.minimum.outer(places, places), np.maximum.outer(places, places)
    between = cumulative[:, high + 1] - cumulative[:, low]
    distances = (between - (counts[:, :, None] + counts[:, None, :]) / 2) ** 2
    observed = np.einsum("rck,rck->r", coincident, distances)
    expected = np.einsum("rc,rck,rk->r", counts, distances, counts)
    return _alpha(observed, expected, n)


def normal_replicate_alphas(
    parts: Coincidences, matrix: np.ndarray, generator: np.random.Generator, resamples: int
) -> np.ndarray:
    """Alpha in `resamples` bootstrap resamples of many tasks, drawn from the normal limit of the
    resampled sums: alpha depends on the tasks only through sums (pairable answers, disagreement,
    answers per value), and resampling T tasks makes those sums normal with mean T·mean and
    covariance T·cov of the per-task values, so a resample costs nothing per task."""
    columns = np.column_stack([parts.pairable, parts.disagreement, parts.per_task_counts])
    tasks = len(columns)
    mean = columns.mean(axis=0)
    centred = columns - mean
    covariance = centred.T @ centred / tasks
    sums = generator.multivariate_normal(
        tasks * mean, tasks * covariance, size=resamples, method="eigh", check_valid="ignore"
    )
    n, observed, counts = sums[:, 0], sums[:, 1], sums[:, 2:]
    expected = np.einsum("rc,ck,rk->r", counts, matrix, counts)
    return _alpha(observed, expected, n)


def _alpha(observed: np.ndarray, expected: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Alpha per resample from its summed disagreements: NaN where fewer than two values pair,
    or where every value is alike (no expected disagreement)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = expected / (n * (n - 1))
        result = 1.0 - (observed / n) / expected
    result[(n < 2) | ~(expected > 0)] = np.nan
    return result
