"""Quality policy for a batch: the gold rate, the qualification a writer must pass and the rule
that pauses a writer whose gold accuracy falls; decided here, stored and enforced by the bank."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime

from taskbank.batchsettings import QualitySettings
from taskbank.shares import percent_of, threshold_percent

GOLD_SLOTS = 1_000_000  # a gold task is a control task: every writer may answer it once
# The one rule for "no clear consensus" (figures and adjudication queue alike), by default: a
# task's consensus answer on some question tied, or less sure than this, by this method.
MIN_CONFIDENCE = 0.6
CONSENSUS_METHOD = "model"


@dataclass(frozen=True)
class QualityPolicy:
    """A batch's resolved quality controls (batch file over the config's [quality] table).

    `gold_rate` None means the batch has no gold (claims go in file order); 0 serves gold only
    once nothing else is left. `qualify_tasks` 0 means no qualification, `pause_window` 0 no
    pausing.
    """

    gold_rate: float | None = None
    qualify_tasks: int = 0
    qualify_accuracy: float = 0.0
    training: bool = False
    pause_window: int = 0
    pause_accuracy: float = 0.0
    gold_modes: dict[str, str] = field(default_factory=dict)  # question id -> 'check'
    max_overlap: int = 0  # dynamic overlap: 0 off, else the most writers a disputed task gets
    min_confidence: float = MIN_CONFIDENCE  # below it (or tied) a task needs adjudication
    consensus: str = CONSENSUS_METHOD  # how consensus answers are decided: model or vote

    def to_json(self) -> str:
        """The policy as stored beside its batch."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> QualityPolicy:
        """A stored policy (keys a later version added are ignored)."""
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


def resolve_policy(
    batch: QualitySettings | None, defaults: QualitySettings, gold_tasks: int, tasks: int
) -> QualityPolicy:
    """The policy a new batch gets: each setting from the batch file, else from the config.

    With no gold rate set anywhere, gold is mixed in at its share of the batch's tasks (so a
    file with 5 gold tasks in 100 serves gold on about one claim in twenty), not in file order.
    Without gold tasks there is nothing to mix in, qualify on or pause on (dynamic overlap
    still applies).
    """
    given = batch.model_fields_set if batch is not None else set()

    def pick(name: str):  # type: ignore[no-untyped-def]
        return getattr(batch, name) if name in given else getattr(defaults, name)

    max_overlap = pick("max_overlap") or 0
    confidence = pick("min_confidence")
    consensus = {
        "min_confidence": MIN_CONFIDENCE if confidence is None else float(confidence),
        "consensus": pick("consensus") or CONSENSUS_METHOD,
    }
    if gold_tasks == 0:
        return QualityPolicy(max_overlap=max_overlap, **consensus)
    rate = pick("gold_rate")
    qualification, pause = pick("qualification"), pick("pause")
    return QualityPolicy(
        gold_rate=float(rate) if rate is not None else round(gold_tasks / max(tasks, 1), 6),
        qualify_tasks=qualification.gold_tasks if qualification else 0,
        qualify_accuracy=float(qualification.min_accuracy) if qualification else 0.0,
        training=bool(qualification and qualification.training),
        pause_window=pause.window if pause else 0,
        pause_accuracy=float(pause.min_accuracy) if pause else 0.0,
        gold_modes={**defaults.gold_modes, **(batch.gold_modes if batch else {})},
        max_overlap=max_overlap,
        **consensus,
    )


@dataclass(frozen=True)
class GoldRecord:
    """A writer's gold answers on one batch, oldest first: (submission id, right or not)."""

    answers: Sequence[tuple[int, bool]]

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def correct(self) -> int:
        return sum(1 for _, right in self.answers if right)

    def accuracy_text(self) -> str:
        """'7 of 10 right (70%)'."""
        if not self.answers:
            return "no gold answers yet"
        return (
            f"{self.correct} of {self.answered} right ({percent_of(self.correct, self.answered)})"
        )


QualificationState = str  # 'qualifying', 'qualified' or 'failed'


def qualification_state(policy: QualityPolicy, first_gold: GoldRecord) -> QualificationState:
    """Where a writer stands on a batch's qualification, from their first gold answers there."""
    if policy.qualify_tasks == 0:
        return "qualified"
    taken = first_gold.answers[: policy.qualify_tasks]
    if len(taken) < policy.qualify_tasks:
        return "qualifying"
    right = sum(1 for _, ok in taken if ok)
    return "qualified" if right >= policy.qualify_accuracy * len(taken) - 1e-9 else "failed"


@dataclass(frozen=True)
class PauseDecision:
    """Why a writer is paused on a batch, with the record it rests on."""

    reason: str
    record: GoldRecord


def pause_decision(policy: QualityPolicy, window: GoldRecord) -> PauseDecision | None:
    """Whether the writer's last `pause_window` gold answers fall below the batch's threshold.

    `window` holds their gold answers since they were last reinstated (oldest first); a writer
    is judged only once the window is full, so one early miss never pauses anyone.
    """
    if policy.pause_window == 0 or window.answered < policy.pause_window:
        return None
    last = GoldRecord(window.answers[-policy.pause_window :])
    if last.correct >= policy.pause_accuracy * last.answered - 1e-9:
        return None
    return PauseDecision(
        f"your last {last.answered} answers to quality-check tasks were {last.accuracy_text()};"
        f" this batch needs at least {threshold_percent(policy.pause_accuracy)}",
        last,
    )


@dataclass(frozen=True)
class Pause:
    """A writer paused on a batch, and whether (and by whom) they were reinstated."""

    batch_id: int
    writer_id: str
    paused_at: datetime
    reason: str
    gold_correct: int
    gold_answered: int
    last_submission_id: int
    reinstated_at: datetime | None = None
    reinstated_by: str | None = None
