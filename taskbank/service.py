"""The TaskBank service: the core's one entry point for imports, claims, answers, reviews and pay."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from taskbank import (
    appeals,
    bonuses,
    calibration,
    fairpay,
    openwork,
    portfolio,
    quality,
    reasons,
    topups,
)
from taskbank.adjudication import Dispute, find_disputes, settle
from taskbank.appeals import AppealCase, ReviewerAppeals
from taskbank.batchfile import (
    DEFAULT_MAX_BYTES,
    BatchFormat,
    BatchSettings,
    ParsedBatch,
    deadline_problems,
    parse_batch_file,
)
from taskbank.batchsettings import QualitySettings
from taskbank.bonuses import RuleBonus
from taskbank.calibration import PayCalibration
from taskbank.clock import Clock, SystemClock
from taskbank.errors import NotAllowed, NothingToClaim, Problem, ValidationFailed
from taskbank.export import ExportFormat, write_export
from taskbank.fairpay import AwaitingApproval, HourlyRate
from taskbank.models import (
    Assignment,
    AssignmentState,
    Batch,
    BatchState,
    ClaimedTask,
    LedgerEntry,
    LedgerKind,
    Period,
    Project,
    Review,
    Submission,
    SubmitResult,
    Tally,
    Task,
    Verdict,
)
from taskbank.openwork import WorkOffer
from taskbank.qualification import Pause
from taskbank.quality.answers import option_fields
from taskbank.quality.export import write_consensus
from taskbank.quality.report import consensus_of
from taskbank.quality_flow import QualityFlow, settle_gold_answer
from taskbank.questions import gold_agreement, merge_draft, validate_response
from taskbank.reasons import RejectionNotice
from taskbank.store import BatchCandidate, BatchProgress, NewSubmission, Store
from taskbank.store.appeals import AppealRow
from taskbank.store.rows import duplicate_batch_name
from taskbank.topups import TopUp

PostState = Literal["new", "pending", "sent"]

if TYPE_CHECKING:
    from taskbank.screenplay import ScriptImport
TASK_CACHE_SIZE = 5000
DELIVERY_MEMORY = timedelta(days=1)  # platforms retry within minutes; a day is plenty


@dataclass(frozen=True)
class Defaults:
    """Settings a batch may leave out."""

    overlap: int = 1
    lease_minutes: int = 30
    # Live leases a writer may hold at once; a claim past it returns one they already hold.
    max_active_per_writer: int = 1
    max_import_bytes: int = DEFAULT_MAX_BYTES
    # Gold rate, qualification and pausing for batches whose file leaves them out.
    quality: QualitySettings = field(default_factory=QualitySettings)


@dataclass(frozen=True)
class ReviewOutcome:
    """The verdict that stands; `recorded` is False when an earlier verdict already stood."""

    review: Review
    recorded: bool


class TaskBank:
    """Imports batches, hands out tasks, takes answers and reviews, and keeps the ledger."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        defaults: Defaults | None = None,
    ) -> None:
        self._store = store
        self._clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.defaults = defaults or Defaults()
        self._batches: dict[int, Batch] = {}
        self._projects: dict[int, Project] = {}
        self._tasks: dict[int, Task] = {}
        # Who holds each recently claimed assignment, and which task: fixed for its life, so a
        # submit in this process needs no lookup (its state is checked by the insert itself).
        self._assignments: dict[int, tuple[str, int, int]] = {}
        self._quality = QualityFlow(store, self.rng, self.defaults.quality)

    @property
    def store(self) -> Store:
        """The storage behind the bank: for taskbank/ and tests only. Callers outside the core use
        the bank's own methods (nothing in bot/ or adapters/ reaches past them)."""
        return self._store

    @property
    def clock(self) -> Clock:
        """The bank's clock: for taskbank/ and tests only (callers ask `now()`)."""
        return self._clock

    def now(self) -> datetime:
        """The current instant on the bank's clock (timezone-aware UTC)."""
        return self._clock.now()

    # -- batches ---------------------------------------------------------------------------

    async def import_batch(
        self,
        source: Path | str | bytes,
        *,
        filename: str | None = None,
        settings: BatchSettings | Mapping[str, Any] | None = None,
        file_format: BatchFormat | None = None,
    ) -> Batch:
        """Import a JSONL or CSV batch file whole, or raise ValidationFailed and import nothing.

        The file is parsed and checked in a worker thread, so a big import never stalls the
        event loop (and every chat answered on it); a deadline already past is refused.
        """
        if isinstance(source, bytes):
            data, name = source, filename or "batch.jsonl"
        else:
            path = Path(source)
            name = filename or path.name
            size = (await asyncio.to_thread(path.stat)).st_size
            if size > self.defaults.max_import_bytes:
                raise ValidationFailed(
                    [
                        Problem(
                            "file",
                            f"is {size:,} bytes; at most {self.defaults.max_import_bytes:,} are accepted",
                            name,
                        )
                    ]
                )
            data = await asyncio.to_thread(path.read_bytes)
        parsed = await asyncio.to_thread(
            parse_batch_file,
            data,
            name,
            settings=settings,
            file_format=file_format,
            max_bytes=self.defaults.max_import_bytes,
            now=self.clock.now(),
        )
        try:
            return await self.create_batch(parsed)
        except ValidationFailed as refused:  # the database's refusals, placed in the file
            where = _header_location(data, name, in_file=settings is None)
            raise ValidationFailed(
                [Problem(p.field, p.message, p.location or where) for p in refused.problems],
                summary=f"{name}: nothing was imported",
            ) from None

    async def create_batch(self, parsed: ParsedBatch) -> Batch:
        """Store checked settings and tasks as a new, open batch (with its project the first
        time), in one transaction: refused, it leaves nothing behind."""
        settings = parsed.settings
        now = self.clock.now()
        gold_tasks = sum(1 for task in parsed.tasks if task.gold is not None)
        policy = self._quality.new_policy(settings.quality, gold_tasks, len(parsed.tasks))
        return await self.store.create_batch(
            settings,
            parsed.tasks,
            overlap=settings.overlap or self.defaults.overlap,
            lease_seconds=60 * (settings.lease_minutes or self.defaults.lease_minutes),
            now=now,
            quality=(policy.gold_rate, policy.to_json()),
        )

    async def batch(self, batch_id: int) -> Batch:
        """A batch by id (its questions and pay never change, so it is cached)."""
        cached = self._batches.get(batch_id)
        if cached is None:
            cached = self._batches[batch_id] = await self.store.get_batch(batch_id)
        return cached

    async def project(self, project_id: int) -> Project:
        """A project by id (cached: projects are not edited once created)."""
        cached = self._projects.get(project_id)
        if cached is None:
            cached = self._projects[project_id] = await self.store.get_project(project_id)
        return cached

    async def task(self, task_id: int) -> Task:
        """A task by id (cached, the most recent few thousand: tasks never change once stored)."""
        cached = self._tasks.get(task_id)
        if cached is None:
            cached = self._remember(self._tasks, task_id, await self.store.get_task(task_id))
        return cached

    @staticmethod
    def _remember(cache: dict[int, Any], key: int, value: Any) -> Any:
        """Keep a value in a bounded cache (the oldest entry goes first)."""
        if key not in cache and len(cache) >= TASK_CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = value
        return value

    async def list_batches(self) -> list[Batch]:
        """Every batch, newest first."""
        return await self.store.list_batches()

    async def set_batch_state(self, batch_id: int, state: BatchState) -> Batch:
        """Pause, resume or close a batch."""
        batch = await self.store.set_batch_state(batch_id, state)
        self._batches.pop(batch_id, None)
        return batch

    async def batch_progress(self, batch_id: int) -> BatchProgress:
        """How far a batch has come."""
        return await self.store.batch_progress(batch_id)

    # -- claims and answers ----------------------------------------------------------------

    async def accept_terms(self, project_id: int, writer_id: str) -> None:
        """Record a writer's acceptance of a project's terms."""
        await self.store.get_project(project_id)
        await self.store.accept_terms(project_id, writer_id, self.clock.now())

    async def claim(
        self,
        writer_id: str,
        *,
        batch_id: int | None = None,
        template: str | None = None,
        project_id: int | None = None,
    ) -> ClaimedTask:
        """Hand this writer the next task open to them (from one batch, template or project when
        asked), or raise NothingToClaim saying why.

        A writer holding `max_active_per_writer` live leases gets the oldest of them back (a
        double click or a second process claiming at the same moment gets the first's lease).
        """
        now = self.clock.now()
        candidates = await self.store.claim_candidates(writer_id)
        if project_id is not None:
            candidates = [c for c in candidates if c.project_id == project_id]
        usable, reason, terms_project = _usable_candidates(candidates, now, batch_id, template)
        if usable:
            # Pauses and qualification close batches; gold mixing orders each batch's kinds.
            plan = await self._quality.plan_claim(writer_id, usable)
            usable, orders = plan.candidates, plan.orders
            if plan.refusal is not None:
                raise NothingToClaim(plan.refusal, needs_terms_for=terms_project)
        if usable:
            caps = {
                c.batch_id: c.budget_cap_cents for c in usable if c.budget_cap_cents is not None
            }
            ids = [c.batch_id for c in usable]
            limit = self.defaults.max_active_per_writer
            found = await self.store.claim(writer_id, ids, caps, now, limit, orders)
            if found is None:
                # Nothing free: lapsed leases may have freed slots; sweep, then try once more.
                if await self.store.expire_leases(now):
                    found = await self.store.claim(writer_id, ids, caps, now, limit, orders)
            elif found[0].lease_expires_at <= now:
                # The lease handed back (the writer is at the limit) has lapsed: end it first.
                await self.store.expire_leases(now)
                found = await self.store.claim(writer_id, ids, caps, now, limit, orders)
            if found is not None:
                assignment, task = found
                self._remember(self._tasks, task.id, task)
                self._remember(
                    self._assignments,
                    assignment.id,
                    (assignment.writer_id, assignment.task_id, assignment.batch_id),
                )
                return await self._claimed_task(assignment)
            if any(c.budget_cap_cents is not None for c in usable):
                reason = (
                    "no task is left for you: every open task is taken, done by you, or over budget"
                )
            else:
                reason = "no task is left for you: you have answered or skipped every open task, or all are taken"
            if terms_project is not None:
                reason += "; another project has tasks once you accept its terms"
        raise NothingToClaim(reason, needs_terms_for=terms_project)

    async def claimed(self, assignment_id: int) -> ClaimedTask:
        """An assignment with its task, batch and project, e.g. to redraw a card (the batch read
        afresh: another process may have paused or closed it)."""
        assignment = await self.store.get_assignment(assignment_id)
        self._batches.pop(assignment.batch_id, None)
        return await self._claimed_task(assignment)

    async def _claimed_task(self, assignment: Assignment) -> ClaimedTask:
        batch = await self.batch(assignment.batch_id)
        return ClaimedTask(
            assignment=assignment,
            task=await self.task(assignment.task_id),
            batch=batch,
            project=await self.project(batch.project_id),
        )

    async def active_assignments(self, writer_id: str) -> list[Assignment]:
        """A writer's live leases, oldest first."""
        return await self.store.active_assignments(writer_id)

    async def save_draft(
        self, assignment_id: int, writer_id: str, answers: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Merge answers into the half-done answer kept for this assignment; returns the draft.

        A blank value removes that question's answer. A draft may be incomplete or not yet
        valid, but ValidationFailed refuses (storing nothing) unknown question ids, values of a
        shape no question takes, control characters, and anything over the size caps.
        """
        assignment = await self.store.get_assignment(assignment_id)
        if assignment.writer_id != writer_id:
            raise NotAllowed("that task is held by another writer")
        # A lapsed lease may still be answered while nobody has taken its slot (submit decides).
        if assignment.state not in (AssignmentState.ACTIVE, AssignmentState.EXPIRED):
            raise NotAllowed(f"that task was {assignment.state}; claim a new one")
        batch = await self.batch(assignment.batch_id)
        task = await self.task(assignment.task_id)
        stored = await self.store.get_draft(assignment_id)
        draft = merge_draft(batch.questions, task.payload, stored, answers)
        await self.store.save_draft(assignment_id, draft, self.clock.now())
        return draft

    async def draft(self, assignment_id: int) -> dict[str, Any]:
        """The half-done answer kept for an assignment."""
        return await self.store.get_draft(assignment_id)

    async def link_message(self, ref: str, kind: str, subject_id: int) -> None:
        """Remember that a chat message shows this record (e.g. a review card)."""
        await self.store.link_message(ref, kind, subject_id, self.clock.now())

    async def first_delivery(self, key: str) -> bool:
        """Whether this is the first time a chat delivery (by its platform id) arrives.

        Platforms retry deliveries; adapters ask this before handling one, so a retry, or the same
        delivery reaching two processes, is handled once. Keys are kept for a day.
        """
        now = self.clock.now()
        return await self.store.first_delivery(key, now, now - DELIVERY_MEMORY)

    async def hold_scheduler_lock(self) -> bool:
        """Try to become the one process that runs the scheduled jobs; True while this one holds
        it (a PostgreSQL advisory lock, or an OS lock beside the SQLite file)."""
        return await self.store.hold_scheduler_lock()

    async def linked_subject(self, ref: str, kind: str) -> int | None:
        """The record a chat message shows."""
        return await self.store.linked_subject(ref, kind)

    async def submit(
        self, assignment_id: int, writer_id: str, response: Mapping[str, Any], client_key: str
    ) -> SubmitResult:
        """Validate and store an answer; a repeat returns the first result, storing nothing new."""
        if not client_key:
            raise ValidationFailed(
                [Problem("client_key", "expected a key that identifies this submit")]
            )
        known = self._assignments.get(assignment_id)
        if known is None:
            assignment = await self.store.get_assignment(assignment_id)
            known = (assignment.writer_id, assignment.task_id, assignment.batch_id)
            if assignment.writer_id == writer_id and assignment.state == AssignmentState.SUBMITTED:
                earlier = await self.store.submission_for_assignment(assignment_id)
                if earlier is not None:
                    return SubmitResult(earlier, replayed=True)
        holder, task_id, batch_id = known
        if holder != writer_id:
            raise NotAllowed("that task is held by another writer")
        batch = await self.batch(batch_id)
        task = await self.task(task_id)
        try:
            answers = validate_response(batch.questions, task.payload, response)
        except ValidationFailed:
            # Sent again after it was saved: the first answer stands, whatever this one says.
            earlier = await self.store.submission_for_assignment(assignment_id)
            if earlier is not None:
                return SubmitResult(earlier, replayed=True)
            raise
        gold = None if task.gold is None else gold_agreement(batch.questions, answers, task.gold)
        submission, replayed = await self.store.insert_submission(
            NewSubmission(assignment_id, writer_id, client_key, answers, gold), self.clock.now()
        )
        if gold is not None and not replayed:
            await self._quality.after_gold_answer(submission, self.clock.now())
        elif not replayed and batch.overlap > 1:
            await self._quality.after_answer(batch, submission)
        return SubmitResult(submission, replayed)

    async def submission(self, submission_id: int) -> Submission:
        """A submission by id."""
        return await self.store.get_submission(submission_id)

    async def submission_for(self, assignment_id: int) -> Submission | None:
        """The answer stored for an assignment, if it has one."""
        return await self.store.submission_for_assignment(assignment_id)

    async def release(self, assignment_id: int, writer_id: str) -> None:
        """Give a task back: its slot goes to another writer (never back to this one)."""
        await self.store.end_assignment(
            assignment_id, writer_id, AssignmentState.RELEASED, self.clock.now()
        )

    async def skip(self, assignment_id: int, writer_id: str) -> None:
        """Skip a task as not for this writer: it is never offered to them again."""
        await self.store.end_assignment(
            assignment_id, writer_id, AssignmentState.SKIPPED, self.clock.now()
        )

    async def expire_leases(self) -> list[Any]:
        """Return lapsed leases to the pool; returns the expired assignments."""
        return await self.store.expire_leases(self.clock.now())

    # -- reviews ---------------------------------------------------------------------------

    async def sample_for_review(
        self, limit: int, *, batch_id: int | None = None, rate: float | None = None
    ) -> list[Submission]:
        """Choose fresh submissions for human review (see `choose_for_review`) and mark them sampled."""
        chosen = await self.choose_for_review(limit, batch_id=batch_id, rate=rate)
        await self.mark_sampled(chosen)
        return chosen

    async def choose_for_review(
        self,
        limit: int,
        *,
        batch_id: int | None = None,
        rate: float | None = None,
        at_least_one_per_writer: bool = False,
    ) -> list[Submission]:
        """Pick fresh submissions for review, spread across writers, without marking them.

        Each batch contributes its review rate (or `rate`) of its unsampled submissions, rounded
        up; with `at_least_one_per_writer`, every writer with fresh work gets one in; writers take
        turns so no one writer fills the sample; `limit` (what reviewers can take) caps the total.
        Gold tasks are never chosen: they are checked automatically.
        """
        pool = await self.store.unsampled_submissions(batch_id)
        by_batch: dict[int, list[Submission]] = defaultdict(list)
        for submission in pool:
            by_batch[submission.batch_id].append(submission)
        chosen: list[Submission] = []
        for bid, submissions in sorted(by_batch.items()):
            share = rate if rate is not None else (await self.batch(bid)).review_rate
            wanted = -(-len(submissions) * round(share * 1000) // 1000)
            chosen.extend(self._spread_across_writers(submissions, wanted))
        if at_least_one_per_writer:
            covered = {s.writer_id for s in chosen}
            missing = [s for s in pool if s.writer_id not in covered]
            chosen.extend(self._spread_across_writers(missing, len({s.writer_id for s in missing})))
        return self._spread_across_writers(chosen, limit)

    async def mark_sampled(self, submissions: list[Submission]) -> None:
        """Record that these submissions went to review."""
        if submissions:
            await self.store.mark_sampled([s.id for s in submissions], self.clock.now())

    async def check_gold(self) -> int:
        """Settle pending answers to gold tasks automatically: an answer that agrees, or missed
        only `feedback` questions, is approved (paid); one that missed a `check` question is
        rejected with the question named."""
        settled = 0
        for submission in await self.store.pending_gold_submissions():
            if submission.gold_correct:
                verdict, reason = Verdict.APPROVED, None
            else:
                batch = await self.batch(submission.batch_id)
                task = await self.task(submission.task_id)
                policy = await self._quality.policy(submission.batch_id)
                settled_as = settle_gold_answer(policy, batch, task, submission)
                verdict, reason = settled_as.verdict, settled_as.reason
            _, recorded = await self.store.insert_review(
                submission.id, "gold-check", verdict, reason, self.clock.now(), automatic=True
            )
            settled += recorded
        return settled

    def _spread_across_writers(self, submissions: list[Submission], count: int) -> list[Submission]:
        by_writer: dict[str, list[Submission]] = defaultdict(list)
        for submission in submissions:
            by_writer[submission.writer_id].append(submission)
        queues = []
        for writer in sorted(by_writer):
            mine = by_writer[writer][:]
            self.rng.shuffle(mine)
            queues.append(mine)
        self.rng.shuffle(queues)
        picked: list[Submission] = []
        while len(picked) < count and any(queues):
            for queue in queues:
                if queue and len(picked) < count:
                    picked.append(queue.pop())
        return picked

    async def next_review(self, reviewer_id: str) -> Submission | None:
        """The oldest sampled submission waiting for a verdict that this reviewer did not write."""
        return await self.store.next_sampled_for(reviewer_id)

    async def record_review(
        self, submission_id: int, reviewer_id: str, verdict: Verdict, reason: str | None = None
    ) -> ReviewOutcome:
        """Approve (and pay) or reject a submission; the first verdict stands."""
        submission = await self.store.get_submission(submission_id)
        if submission.writer_id == reviewer_id:
            raise NotAllowed("a reviewer cannot judge their own work")
        reason = (reason or "").strip() or None
        if verdict == Verdict.REJECTED and reason is None:
            raise ValidationFailed(
                [Problem("reason", "a rejection needs a reason the writer can learn from")]
            )
        review, recorded = await self.store.insert_review(
            submission_id, reviewer_id, verdict, reason, self.clock.now()
        )
        return ReviewOutcome(review, recorded)

    async def pass_review(self, submission_id: int, reviewer_id: str) -> None:
        """A reviewer passes on a submission: `next_review` no longer offers it to them."""
        await self.store.get_submission(submission_id)
        await self.link_message(f"pass/{reviewer_id}/{submission_id}", "review-pass", submission_id)

    async def review_of(self, submission_id: int) -> Review | None:
        """The verdict a submission has, if any."""
        return await self.store.get_review(submission_id)

    async def linked_messages(self, kind: str, subject_id: int) -> list[str]:
        """The chat messages that show a record (e.g. every card of one submission)."""
        return await self.store.linked_refs(kind, subject_id)

    async def task_answers(self, task_id: int) -> list[Submission]:
        """Every writer's answer to one task (a reviewer compares them)."""
        return await self.store.task_submissions(task_id)

    async def auto_approve(self, older_than: timedelta) -> int:
        """Approve every submission nobody reviewed within the window; returns how many."""
        now = self.clock.now()
        return await self.store.auto_approve(now - older_than, now)

    # -- money -----------------------------------------------------------------------------

    async def add_ledger_entry(
        self,
        writer_id: str,
        kind: LedgerKind,
        amount_cents: int,
        note: str,
        batch_id: int | None = None,
    ) -> LedgerEntry:
        """Append a bonus or an adjustment (earnings come from approvals only)."""
        if kind == LedgerKind.EARNED:
            raise NotAllowed("earnings are recorded by approving submissions")
        if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
            raise ValidationFailed([Problem("amount_cents", "expected a whole number of cents")])
        if not note.strip():
            raise ValidationFailed([Problem("note", "say why this money moves")])
        return await self.store.add_ledger_entry(
            writer_id, kind, amount_cents, note, batch_id, self.clock.now()
        )

    async def tally(self, period: Period, writer_id: str | None = None) -> Tally:
        """Per-writer figures for a period, derived from the ledger and the submissions."""
        return await self.store.tally(period.start, period.end, writer_id)

    async def project_spend(self) -> list[tuple[Project, int]]:
        """Every project with the cents its ledger has paid so far (for budget lines)."""
        return await self.store.project_spend()

    async def writer_projects(self, period: Period) -> dict[str, set[int]]:
        """Per writer, the projects they submitted work to in a period."""
        return await self.store.writer_projects(period.start, period.end)

    async def activity_by_quarter_hour(self, period: Period) -> list[tuple[int, int, int]]:
        """Money and tasks per quarter hour of a period, for the tally chart."""
        return await self.store.activity_by_quarter_hour(period.start, period.end)

    # -- the outbox: scheduled posts sent once -----------------------------------------------

    async def outbox_record(self, job: str, key: str, recipient: str) -> PostState:
        """Record a post as pending unless it is known: 'new', else its state ('pending', 'sent').

        A post is recorded before it is sent and marked sent after, so a restart neither skips
        nor repeats it; a 'pending' one may have reached the chat before a crash.
        """
        return await self.store.record_post(job, key, recipient, self.now())  # type: ignore[return-value]

    async def outbox_sent(self, job: str, key: str, recipient: str) -> None:
        """Mark a recorded post as sent."""
        await self.store.mark_post_sent(job, key, recipient, self.now())

    async def outbox_pending(self, job: str) -> list[tuple[str, str]]:
        """A job's posts recorded but not yet marked sent: (key, recipient), oldest first."""
        return [(key, to) for key, to, _ in await self.store.posts(job, state="pending")]

    async def outbox_history(self, job: str) -> list[tuple[str, str, PostState]]:
        """Every post recorded for a job: (key, recipient, state)."""
        return await self.store.posts(job)  # type: ignore[return-value]

    async def send_once(
        self, job: str, key: str, recipient: str, send: Callable[[bool], Awaitable[None]]
    ) -> bool:
        """Send one post unless it was sent: record it, `send(retry)` (retry when a record was
        already pending), mark it sent. Returns whether anything was sent."""
        state = await self.outbox_record(job, key, recipient)
        if state == "sent":
            return False
        await send(state == "pending")
        await self.outbox_sent(job, key, recipient)
        return True

    async def export(
        self,
        batch_id: int,
        out: TextIO,
        file_format: ExportFormat = "jsonl",
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write every answer of a batch with provenance; returns how many rows."""
        batch = await self.batch(batch_id)
        questions = [q.id for q in batch.questions]
        return await write_export(
            self.store.export_rows(batch_id), out, file_format, questions, progress
        )

    # -- quality figures (computed in taskbank/quality/) ------------------------------------

    async def batch_quality(
        self,
        batch_id: int,
        *,
        levels: Mapping[str, str] | None = None,
        resamples: int = quality.RESAMPLES,
        min_confidence: float = quality.MIN_CONFIDENCE,
        method: str = "model",
    ) -> quality.BatchQuality:
        """Agreement per question (with bootstrap intervals), per-writer figures and consensus
        answers of a batch; `levels` picks a question's distance (e.g. {"pacing": "ordinal"})."""
        batch = await self.batch(batch_id)
        stored = await self.store.quality_answers(batch_id, option_fields(batch.questions))
        reviews = await self.store.review_counts(batch_id)
        settled = frozenset(await self.store.adjudications(batch_id))
        seeded = random.Random(self.rng.getrandbits(64))
        return await asyncio.to_thread(
            quality.batch_quality, batch, stored, reviews, rng=seeded, levels=levels,
            resamples=resamples, min_confidence=min_confidence, method=method, settled=settled,
        )  # fmt: skip

    async def batch_consensus(
        self,
        batch_id: int,
        *,
        min_confidence: float = quality.MIN_CONFIDENCE,
        method: str = "model",
    ) -> quality.Consensus:
        """Every task's aggregated answer with its confidence (`method` "vote": no model)."""
        batch = await self.batch(batch_id)
        stored = await self.store.quality_answers(batch_id, option_fields(batch.questions))
        settled = frozenset(await self.store.adjudications(batch_id))
        return await asyncio.to_thread(
            consensus_of, batch, stored, min_confidence=min_confidence, method=method,
            settled=settled,
        )  # fmt: skip

    async def tasks_without_consensus(
        self,
        batch_id: int,
        *,
        min_confidence: float = quality.MIN_CONFIDENCE,
        method: str = "model",
    ) -> list[int]:
        """Ids of a batch's tasks whose answers reach no clear consensus (for adjudication)."""
        consensus = await self.batch_consensus(
            batch_id, min_confidence=min_confidence, method=method
        )
        return consensus.tasks_without_consensus()

    async def export_consensus(
        self,
        batch_id: int,
        out: TextIO,
        file_format: ExportFormat = "jsonl",
        *,
        adjudicated: Mapping[int, Mapping[str, Any]] | None = None,
        method: str = "model",
    ) -> int:
        """Write one row per task with its consensus answer, confidence and method; reviewers'
        final answers (or `adjudicated`: task id -> answers) stand as "adjudicated". Returns how
        many rows."""
        if adjudicated is None:
            adjudicated = await self.store.adjudications(batch_id)
        batch = await self.batch(batch_id)
        project = await self.project(batch.project_id)
        consensus = await self.batch_consensus(batch_id, method=method)
        return await asyncio.to_thread(
            write_consensus, consensus, out, file_format, batch=batch.name, project=project.name,
            question_ids=[q.id for q in batch.questions], adjudicated=adjudicated,
        )  # fmt: skip

    async def batches_answered_in(self, period: Period) -> list[int]:
        """The batches that received answers in a period (for the quality digest)."""
        return await self.store.batches_answered_between(period.start, period.end)

    # -- screenplays -----------------------------------------------------------------------

    async def import_script(
        self,
        files: Iterable[Path | tuple[str, bytes]],
        *,
        settings: BatchSettings | Mapping[str, Any],
        unit: str,
        dry_run: bool = False,
    ) -> ScriptImport:
        """Cut screenplays (.fountain, .fdx, .pdf) into tasks of one unit and store them as one
        batch, or with `dry_run` only say what would be stored. Parsing runs off the event loop;
        a refused file or a unit that does not fit raises ValidationFailed and stores nothing."""
        from taskbank.screenplay import ScriptImport, plan_script_batch

        plan = await asyncio.to_thread(
            plan_script_batch,
            files,
            settings,
            unit,
            default_overlap=self.defaults.overlap,
            max_bytes=self.defaults.max_import_bytes,
        )
        late = deadline_problems(plan.parsed.settings, self.now(), "settings")
        if late:
            raise ValidationFailed(late, summary="nothing was imported")
        if dry_run:
            # A preview promises what the import will do: a name the project already has is the
            # same refusal now as at the import.
            settings = plan.parsed.settings
            for batch in await self.list_batches():
                project = await self.project(batch.project_id)
                if batch.name == settings.name and project.name == settings.project.name:
                    raise duplicate_batch_name(settings.name)
            return ScriptImport(plan, None)
        return ScriptImport(plan, await self.create_batch(plan.parsed))

    # -- quality flow: pauses and reinstatement ---------------------------------------------

    async def paused_writers(self, batch_id: int | None = None) -> list[Pause]:
        """Writers paused now (on one batch, or on any), newest first."""
        return await self.store.pauses(batch_id=batch_id)

    async def reinstate(self, batch_id: int, writer_id: str, by: str) -> Pause:
        """Let a paused writer claim from a batch again (their next window starts afresh)."""
        pause = await self.store.reinstate_writer(batch_id, writer_id, by, self.now())
        if pause is None:
            raise NotAllowed(f"{writer_id} is not paused on batch {batch_id}")
        return pause

    # -- fair work (logic in taskbank/fairpay.py and taskbank/appeals.py) --------------------

    async def hourly_rates(self, period: Period, writer_id: str | None = None) -> list[HourlyRate]:
        """Each writer's honest hourly rates for the work done in a period."""
        return await fairpay.hourly_rates(self, period, writer_id)

    async def awaiting_approval(self, writer_id: str, window: timedelta) -> list[AwaitingApproval]:
        """A writer's unreviewed answers with when each is approved automatically."""
        return await fairpay.awaiting_approval(self, writer_id, window)

    async def rejection_notice(
        self, submission_id: int, appeal_window: timedelta | None
    ) -> RejectionNotice:
        """What the writer of a rejected answer is told: reason, cited guideline, appeal date."""
        return await reasons.rejection_notice(self, submission_id, appeal_window)

    async def file_appeal(
        self, submission_id: int, writer_id: str, note: str, window: timedelta | None
    ) -> AppealCase:
        """A writer appeals their rejected answer within the window."""
        return await appeals.file_appeal(self, submission_id, writer_id, note, window)

    async def decide_appeal(
        self, appeal_id: int, coordinator_id: str, upheld: bool, reason: str | None = None
    ) -> AppealCase:
        """A coordinator (not the reviewer, not the writer) upholds and pays, or denies."""
        return await appeals.decide_appeal(self, appeal_id, coordinator_id, upheld, reason)

    async def appeal_case(self, appeal_id: int) -> AppealCase:
        """An appeal with its task, answer and the rejection's reason."""
        return await appeals.appeal_case(self, appeal_id)

    async def open_appeals(self) -> list[AppealRow]:
        """Appeals waiting for a decision, oldest first."""
        return await self.store.open_appeals()  # type: ignore[attr-defined]

    async def appeal_report(self) -> list[ReviewerAppeals]:
        """Per reviewer, how their rejections fared on appeal."""
        return await appeals.appeal_report(self)

    async def grant_bonus(
        self, writer_id: str, amount_cents: int, reason: str, granted_by: str
    ) -> LedgerEntry:
        """A coordinator's bonus for a writer, as a new ledger entry with its reason."""
        return await bonuses.grant_bonus(self, writer_id, amount_cents, reason, granted_by)

    async def pay_calibration(self, batch_id: int, floor_cents: int = 725) -> PayCalibration:
        """What a batch's pay makes per hour at typical times, and what would reach the target."""
        return await calibration.pay_calibration(self, batch_id, floor_cents)

    async def top_up_to_target(
        self, period: Period, period_key: str, project_names: tuple[str, ...]
    ) -> list[TopUp]:
        """Bonus entries that bring opted-in projects' writers up to the target rate."""
        return await topups.top_up_to_target(self, period, period_key, project_names)

    async def open_work(self, writer_id: str) -> list[WorkOffer]:
        """Open batches as a writer weighs them before claiming: pay, time, rate, what is left."""
        return await openwork.open_work(self, writer_id)

    async def writer_record_csv(self, writer_id: str) -> tuple[str, int]:
        """A writer's own record (answers, verdicts, reasons, pay, bonuses) as CSV, and its rows."""
        return await portfolio.writer_record_csv(self, writer_id)

    async def gold_accuracy_bonus(
        self,
        batch_id: int,
        min_percent: int,
        amount_cents: int,
        reason: str,
        granted_by: str,
    ) -> list[RuleBonus]:
        """A batch rule: a bonus for every writer whose gold accuracy reaches `min_percent`."""
        return await bonuses.gold_accuracy_bonus(
            self, batch_id, min_percent, amount_cents, reason, granted_by
        )

    async def untold_automatic_rejections(self, within: timedelta) -> list[int]:
        """Gold-check rejections of the last `within` whose writer was not yet told."""
        return await self.store.automatic_rejections_since(self.now() - within)  # type: ignore[attr-defined]

    async def terms_shown(self, project_id: int, writer_id: str) -> None:
        """Note that a writer was shown a project's terms (reading them counts as time given)."""
        await self.store.record_terms_shown(project_id, writer_id, self.now())  # type: ignore[attr-defined]

    async def training_feedback(self, submission: Submission) -> str | None:
        """What a writer in a batch's training mode sees after a qualification answer."""
        batch = await self.batch(submission.batch_id)
        task = await self.task(submission.task_id)
        project = await self.project(batch.project_id)
        return await self._quality.training_feedback(batch, task, submission, project.guidelines)

    # -- quality flow: adjudication ----------------------------------------------------------

    async def adjudication_queue(self, batch_id: int | None = None) -> list[Dispute]:
        """Tasks whose writers disagree and that no reviewer has settled, oldest batch first."""
        batches = [await self.batch(batch_id)] if batch_id else await self.list_batches()
        found: list[Dispute] = []
        for batch in sorted(batches, key=lambda b: b.id):
            found += await find_disputes(self.store, batch, self.task)
        return found

    async def adjudicate(
        self, task_id: int, adjudicator_id: str, submission_id: int
    ) -> tuple[dict[str, Any], bool]:
        """Make one writer's answer the task's final answer; (the answer that stands, recorded)."""
        chosen = await self.store.get_submission(submission_id)
        return await settle(self.store, task_id, adjudicator_id, chosen, self.now())

    def migrations_applied(self) -> list[int]:
        """The schema versions this process applied when it opened the database."""
        return list(getattr(self.store, "migrations_applied", []))


def _header_location(data: bytes, name: str, *, in_file: bool) -> str:
    """Where a batch's settings stand: a JSONL file's header line, else the file itself."""
    if not in_file:
        return name
    start = 0
    for number in range(1, 1000):
        end = data.find(b"\n", start)
        if data[start : None if end < 0 else end].strip():
            return f"{name}:{number}"
        if end < 0:
            break
        start = end + 1
    return name


def _usable_candidates(
    candidates: list[BatchCandidate],
    now: Any,
    batch_id: int | None,
    template: str | None,
) -> tuple[list[BatchCandidate], str, int | None]:
    """The batches a claim may try, and the reason to give when there are none."""
    if not candidates:
        return [], "no batch is open right now", None
    wanted = [
        c
        for c in candidates
        if (batch_id is None or c.batch_id == batch_id)
        and (template is None or c.template == template)
    ]
    if not wanted:
        if batch_id is not None:
            return [], f"batch {batch_id} is not open (it may be paused, closed or unknown)", None
        return [], f"no open batch uses the template '{template}'", None
    in_time = [c for c in wanted if c.deadline is None or c.deadline > now]
    if not in_time:
        return [], "the open batches are past their deadline", None
    usable = [c for c in in_time if not c.needs_terms]
    needing_terms = [c for c in in_time if c.needs_terms]
    if needing_terms and not usable:
        first = needing_terms[0]
        return (
            [],
            f"accept the terms of project '{first.project_name}' before your first task",
            first.project_id,
        )
    return usable, "", needing_terms[0].project_id if needing_terms else None
