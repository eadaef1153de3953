"""Agreement per question: Krippendorff's alpha with the distance that fits the question's kind.

`label` is nominal; `rating` interval unless its definition says `agreement_level: ordinal` (any
standard level may be asked for instead); `labels` uses MASI (or Jaccard); `ranking` the
normalised Kendall tau distance. The `krippendorff` package computes the standard levels; the set
and rank distances, and standard levels too large for its tasks × values × values arrays, go
through the general alpha in `alpha.py` (checked against the package on the standard levels).
Free text gets no alpha, only the mean similarity of answers to the same task.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import krippendorff
import numpy as np

from taskbank.errors import Problem, ValidationFailed
from taskbank.quality.alpha import Coincidences, alpha_of, coincidences, observed_agreement
from taskbank.quality.answers import AnswerTable, Column
from taskbank.quality.distances import (
    RANK_LEVELS,
    SET_LEVELS,
    STANDARD_LEVELS,
    rank_matrix,
    set_matrix,
    standard_matrix,
)
from taskbank.questions import Question
from taskbank.similarity import normalized_distance

# tasks × values² past which the general alpha (checked equal to the package in the tests)
# serves the standard levels too: the package builds those arrays on every call, a tenth of
# a second for 100,000 tasks, while the general alpha reuses the per-task sums already made
LIBRARY_CELLS = 2_000_000
TEXT_SAMPLE_TASKS = 500  # free-text similarity is read from at most this many tasks
LEVELS_BY_KIND = {
    "label": ("nominal",),
    "rating": STANDARD_LEVELS,
    "labels": SET_LEVELS,
    "ranking": RANK_LEVELS,
}


@dataclass(frozen=True)
class QuestionAgreement:
    """How far writers agree on one question of a batch."""

    question_id: str
    kind: str
    level: str | None  # the distance used; None for free text
    alpha: float | None  # None when undefined (too few answers, or no variation at all)
    ci_low: float | None
    ci_high: float | None
    observed: float | None  # share of answer pairs on the same task that agree exactly
    units: int  # tasks with two answers or more
    pairable: int  # answers on those tasks
    similarity: float | None = None  # free text: mean similarity of answers to the same task


@dataclass(frozen=True)
class Prepared:
    """One question's coded answers and distance, ready for alpha and its bootstrap."""

    question: Question
    level: str
    column: Column
    matrix: np.ndarray
    parts: Coincidences


def level_for(question: Question, asked: str | None = None) -> str | None:
    """The distance a question's agreement uses (or `asked`, if it fits the kind)."""
    allowed = LEVELS_BY_KIND.get(question.kind)
    if allowed is None:
        if asked is not None:
            raise _bad_level(question, asked, "free text has no alpha")
        return None
    if asked is not None:
        if asked not in allowed:
            raise _bad_level(question, asked, f"expected one of {', '.join(allowed)}")
        return asked
    return getattr(question, "agreement_level", None) or allowed[0]


def _bad_level(question: Question, asked: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                "level", f"'{asked}' does not fit {question.kind} question '{question.id}': {why}"
            )
        ]
    )


def prepare(table: AnswerTable, question: Question, level: str) -> Prepared:
    """Code a question's answers and build its distance matrix."""
    if question.kind == "rating":
        low, high = question.scale_min, question.scale_max  # type: ignore[union-attr]
        column = table.column(question, fixed_domain=list(range(low, high + 1)))
    else:
        column = table.column(question)
    units = table.task[column.rows]
    domain = column.domain
    if level in SET_LEVELS:
        matrix = set_matrix(domain, level) if domain else np.zeros((0, 0))
    elif level in RANK_LEVELS:
        matrix = rank_matrix(domain) if domain else np.zeros((0, 0))
    else:
        counts = None
        if level == "ordinal":  # its distance depends on how often each value was given
            per_task = np.bincount(units, minlength=table.task_count)
            pairable = per_task[units] >= 2
            counts = np.bincount(column.codes[pairable], minlength=len(domain))
        numeric = domain if question.kind == "rating" else list(range(len(domain)))
        matrix = standard_matrix(numeric, level, counts)
    return Prepared(
        question, level, column, matrix, coincidences(units, column.codes, table.task_count, matrix)
    )


def point_alpha(prepared: Prepared) -> float | None:
    """Alpha for one question: by the krippendorff package on the standard levels where its
    arrays fit, else by the general alpha over the question's distance matrix."""
    parts, level = prepared.parts, prepared.level
    values = len(prepared.column.domain)
    if (
        level in STANDARD_LEVELS
        and parts.unit_count * values * values <= LIBRARY_CELLS
        and parts.pairable_count >= 2
        and np.count_nonzero(parts.value_counts) >= 2
    ):
        counts = parts.per_task_counts[parts.pairable > 0]
        domain = (
            np.asarray(prepared.column.domain, dtype=float)
            if prepared.question.kind == "rating"
            else None
        )
        return float(
            krippendorff.alpha(value_counts=counts, value_domain=domain, level_of_measurement=level)
        )
    return alpha_of(parts, prepared.matrix)


def text_similarity(table: AnswerTable, question: Question) -> tuple[float | None, int, int]:
    """Mean similarity (1 − normalised edit distance) of answers to the same task, over at most
    TEXT_SAMPLE_TASKS tasks; with the number of tasks and answers it rests on."""
    column = table.column(question)
    by_task: dict[int, list[str]] = {}
    for row, code in zip(column.rows.tolist(), column.codes.tolist(), strict=True):
        by_task.setdefault(int(table.task[row]), []).append(column.domain[code])
    shared = [texts for texts in by_task.values() if len(texts) >= 2]
    units = len(shared)
    pairable = sum(len(texts) for texts in shared)
    scores = []
    for texts in shared[:TEXT_SAMPLE_TASKS]:
        pairs = [
            1.0 - normalized_distance(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :]
        ]
        scores.append(sum(pairs) / len(pairs))
    return (sum(scores) / len(scores) if scores else None), units, pairable


def summary(
    prepared: Prepared, alpha: float | None, interval: tuple[float, float] | None
) -> QuestionAgreement:
    """A question's agreement figures."""
    parts = prepared.parts
    return QuestionAgreement(
        question_id=prepared.question.id,
        kind=prepared.question.kind,
        level=prepared.level,
        alpha=alpha,
        ci_low=None if interval is None else interval[0],
        ci_high=None if interval is None else interval[1],
        observed=observed_agreement(parts),
        units=parts.unit_count,
        pairable=parts.pairable_count,
    )


def check_levels(questions: list[Question], levels: Mapping[str, str]) -> dict[str, str | None]:
    """The level of every question, with requested ones checked; unknown ids are refused."""
    known = {q.id for q in questions}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise ValidationFailed(
            [Problem("level", f"the batch has no question '{qid}'") for qid in unknown]
        )
    return {q.id: level_for(q, levels.get(q.id)) for q in questions}
