"""Claims and answers: terms, claims, drafts, submits, releases, skips and lease expiry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from taskbank.bank.openbatches import OpenBatches
from taskbank.bank.values import DELIVERY_MEMORY
from taskbank.errors import NotAllowed, NothingToClaim, Problem, ValidationFailed
from taskbank.models import (
    Assignment,
    AssignmentState,
    ClaimedTask,
    Submission,
    SubmitResult,
)
from taskbank.questions import gold_agreement, merge_draft, validate_response
from taskbank.store import BatchCandidate, NewSubmission

if TYPE_CHECKING:
    pass


class Claims:
    """The TaskBank's claims methods (state and store come from TaskBank)."""

    _open_batches: OpenBatches | None = None  # made on the first claim (see openbatches.py)

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
        kept = self._open_batch_list()
        planned = kept.current() if kept is not None else None
        if planned is not None:
            try:
                return await self._claim_from(writer_id, planned, batch_id, template, project_id)
            except NothingToClaim:
                pass  # the cached list may be behind: read it afresh, for the true reason
        candidates = await self._read_open_batches(writer_id)
        return await self._claim_from(writer_id, candidates, batch_id, template, project_id)

    async def open_batch_count(self, writer_id: str) -> int:
        """How many batches are open (a moment old where the store lets claims cache the list),
        e.g. to decide whether /task shows the open-work menu without listing every batch."""
        kept = self._open_batch_list()
        planned = kept.current() if kept is not None else None
        if planned is None:
            planned = await self._read_open_batches(writer_id)
        return len(planned)

    async def _read_open_batches(self, writer_id: str) -> list[BatchCandidate]:
        """The open batches read afresh (and kept for the next claims, where allowed)."""
        kept = self._open_batch_list()
        mark = kept.started() if kept is not None else None
        candidates = await self.store.claim_candidates(writer_id)
        if kept is not None and mark is not None:
            kept.keep(mark, candidates)
        return candidates

    def _open_batch_list(self) -> OpenBatches | None:
        """The cached open batches, for a store whose claim re-checks access itself."""
        kept = self._open_batches
        if kept is None and getattr(self.store, "claim_rechecks_access", False):
            kept = self._open_batches = OpenBatches()
        return kept

    def _forget_open_batches(self) -> None:
        if self._open_batches is not None:
            self._open_batches.forget()

    async def _claim_from(
        self,
        writer_id: str,
        candidates: list[BatchCandidate],
        batch_id: int | None,
        template: str | None,
        project_id: int | None,
    ) -> ClaimedTask:
        """Claim from these open batches (in claim order), or raise NothingToClaim saying why."""
        now = self.clock.now()
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
        return await self.store.update_draft(
            assignment_id,
            lambda stored: merge_draft(batch.questions, task.payload, stored, answers),
            self.clock.now(),
        )

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

    async def forget_delivery(self, key: str) -> None:
        """Release a delivery whose handling failed: the platform's retry of it, or the same
        reaction given again, is then handled rather than dropped as a repeat."""
        await self.store.forget_delivery(key)

    async def forget_deliveries_starting_with(self, start: str) -> int:
        """Release every delivery whose key begins with `start` (taken literally), e.g. each
        reaction on a message whose reactions a moderator cleared: given again, each is handled
        rather than dropped as a repeat. How many were released."""
        return await self.store.forget_deliveries_starting_with(start)

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
        paused = None
        if gold is not None and not replayed:
            paused = await self._quality.after_gold_answer(submission, self.clock.now())
        elif not replayed and batch.overlap > 1:
            await self._quality.after_answer(batch, submission)
        return SubmitResult(submission, replayed, paused)

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
