"""Quality figures as people read them: the status line, the scheduler's digest, the CLI tables."""

from __future__ import annotations

from taskbank.quality import BatchQuality, QuestionAgreement
from taskbank.shares import percent_of

DIGEST_BATCHES = 8  # the most batches one digest lists
NO_VARIATION = "— (all answers alike)"


def alpha_text(question: QuestionAgreement) -> str:
    """`0.81 [0.76–0.85]`; `—` when too few answers, `— (all answers alike)` when every pairable
    answer is the same (alpha's expected disagreement is 0: undefined, though nobody disagreed);
    free text shows its mean similarity instead."""
    if question.level is None:
        return "—" if question.similarity is None else f"similarity {question.similarity:.2f}"
    if question.alpha is None:
        return NO_VARIATION if question.pairable >= 2 else "—"
    if question.ci_low is None or question.ci_high is None:
        return f"{question.alpha:.2f}"
    return f"{question.alpha:.2f} [{question.ci_low:.2f}–{question.ci_high:.2f}]"


def share(part: int, whole: int) -> str:
    """`91% of 45` (rounded down: 100% only when whole), or `—` with nothing to count."""
    return "—" if not whole else f"{percent_of(part, whole)} of {whole:,}"


def gold_totals(quality: BatchQuality) -> tuple[int, int]:
    """Gold answers answered as gold says, and gold answers, over every writer."""
    return (
        sum(w.gold_correct for w in quality.writers),
        sum(w.gold_answers for w in quality.writers),
    )


def quality_line(quality: BatchQuality) -> str:
    """One line for `/batch status`: alpha per question, gold accuracy, tasks to adjudicate."""
    if quality.shared_tasks == 0 and not gold_totals(quality)[1]:
        return "no task has two answers yet, and no gold was answered"
    alphas = ", ".join(
        f"{q.question_id} {q.alpha:.2f}"
        if q.alpha is not None
        else f"{q.question_id} {NO_VARIATION}"
        for q in quality.questions
        if q.alpha is not None or (q.level is not None and q.pairable >= 2)
    )
    right, gold = gold_totals(quality)
    parts = [
        f"α {alphas}" if alphas else "α —",
        f"gold {share(right, gold)}",
        f"{len(quality.needs_adjudication):,} to adjudicate",
    ]
    return " · ".join(parts)


def digest(qualities: list[BatchQuality]) -> str:
    """The short quality digest posted with the tally: one line per batch answered."""
    lines = [
        f"Batch {q.batch.id} {q.batch.name}: {quality_line(q)}" for q in qualities[:DIGEST_BATCHES]
    ]
    if len(qualities) > DIGEST_BATCHES:
        lines.append(f"… and {len(qualities) - DIGEST_BATCHES} more (taskbot batch quality N)")
    return "Quality:\n" + "\n".join(lines) if lines else ""
