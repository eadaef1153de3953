"""A batch's quality figures in one pass: agreement per question with bootstrap intervals,
per-writer figures, and consensus answers with the tasks that need adjudication."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from taskbank.models import Batch
from taskbank.quality.agreement import (
    Prepared,
    QuestionAgreement,
    check_levels,
    point_alpha,
    prepare,
    summary,
    text_similarity,
)
from taskbank.quality.alpha import normal_replicate_alphas, replicate_alphas, resample_weights
from taskbank.quality.answers import AnswerTable, StoredAnswers
from taskbank.quality.consensus import MIN_CONFIDENCE, Consensus, batch_consensus
from taskbank.quality.writers import WriterQuality, writer_quality

RESAMPLES = 1000
CONFIDENCE_LEVEL = 0.95
EXACT_TASKS = 5_000  # up to this many tasks the bootstrap redraws tasks one by one
NORMAL_VALUES = 200  # past this many distinct answers, the normal limit's covariance is too big
EXACT_WORK = 20_000_000  # tasks × resamples a one-by-one bootstrap of a big batch may cost


@dataclass(frozen=True)
class BatchQuality:
    """Everything `taskbot batch quality` shows for one batch."""

    batch: Batch
    submissions: int
    tasks: int  # tasks with at least one answer
    shared_tasks: int  # tasks with two answers or more
    questions: list[QuestionAgreement]
    writers: list[WriterQuality]
    consensus: Consensus
    resamples: int

    @property
    def writers_with_gold(self) -> int:
        """How many writers answered gold tasks."""
        return sum(1 for w in self.writers if w.gold_answers)

    @property
    def needs_adjudication(self) -> list[int]:
        """Ids of the tasks without a clear consensus."""
        return self.consensus.tasks_without_consensus()


def batch_quality(
    batch: Batch,
    stored: StoredAnswers,
    reviews: Mapping[str, tuple[int, int]],
    *,
    rng: random.Random,
    levels: Mapping[str, str] | None = None,
    resamples: int = RESAMPLES,
    min_confidence: float = MIN_CONFIDENCE,
    method: str = "model",
    settled: frozenset[int] = frozenset(),
) -> BatchQuality:
    """Compute a batch's figures from its stored answers (CPU only: call it off the event loop).

    The bootstrap draws tasks with replacement, `resamples` times, from a numpy generator seeded
    by `rng`, so the same seed gives the same intervals.
    """
    chosen = check_levels(batch.questions, levels or {})
    table = AnswerTable(stored, batch.questions)
    prepared: list[Prepared] = []
    figures: dict[str, QuestionAgreement] = {}
    for question in batch.questions:
        level = chosen[question.id]
        if level is None:
            similarity, units, pairable = text_similarity(table, question)
            figures[question.id] = QuestionAgreement(
                question.id,
                question.kind,
                None,
                None,
                None,
                None,
                None,
                units,
                pairable,
                similarity,
            )
        else:
            prepared.append(prepare(table, question, level))
    intervals = _intervals(prepared, table.task_count, rng, resamples)
    for item in prepared:
        figures[item.question.id] = summary(
            item, point_alpha(item), intervals.get(item.question.id)
        )
    consensus = batch_consensus(
        table, table.gold, min_confidence=min_confidence, external_ids=table.external_ids,
        method=method, settled=settled,
    )  # fmt: skip
    per_task = np.bincount(table.task, minlength=table.task_count)
    return BatchQuality(
        batch=batch,
        submissions=len(stored.submissions),
        tasks=table.task_count,
        shared_tasks=int(np.count_nonzero(per_task >= 2)),
        questions=[figures[q.id] for q in batch.questions],
        writers=writer_quality(table, reviews),
        consensus=consensus,
        resamples=resamples,
    )


def _intervals(
    prepared: list[Prepared], task_count: int, rng: random.Random, resamples: int
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals, every question resampled with the same draws of tasks."""
    usable = [p for p in prepared if p.parts.unit_count >= 2]
    if not usable or resamples <= 0 or task_count == 0:
        return {}
    generator = np.random.default_rng(rng.getrandbits(64))
    draws: dict[str, list[np.ndarray]] = {p.question.id: [] for p in usable}
    exact = [p for p in usable if task_count <= EXACT_TASKS or len(p.column.domain) > NORMAL_VALUES]
    for item in usable:
        if item not in exact:
            draws[item.question.id].append(
                normal_replicate_alphas(item.parts, item.matrix, generator, resamples)
            )
    if exact:
        # Resampling task by task costs resamples × tasks: past EXACT_WORK, fewer resamples.
        count = (
            max(200, min(resamples, EXACT_WORK // task_count))
            if task_count > EXACT_TASKS
            else resamples
        )
        for weights in resample_weights(generator, task_count, count):
            for item in exact:
                draws[item.question.id].append(
                    replicate_alphas(item.parts, item.matrix, weights, item.level)
                )
    tail = (1 - CONFIDENCE_LEVEL) / 2 * 100
    found = {}
    for qid, chunks in draws.items():
        values = np.concatenate(chunks)
        values = values[~np.isnan(values)]
        if len(values):
            low, high = np.percentile(values, [tail, 100 - tail])
            found[qid] = (float(low), float(high))
    return found


def consensus_of(
    batch: Batch,
    stored: StoredAnswers,
    *,
    min_confidence: float = MIN_CONFIDENCE,
    method: str = "model",
    settled: frozenset[int] = frozenset(),
) -> Consensus:
    """Only the consensus answers of a batch (no agreement, no bootstrap)."""
    table = AnswerTable(stored, batch.questions)
    return batch_consensus(
        table, table.gold, min_confidence=min_confidence, external_ids=table.external_ids,
        method=method, settled=settled,
    )  # fmt: skip
