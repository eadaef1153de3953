"""Why an assignment cannot be answered or ended: one explanation for every store."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any, NoReturn

from taskbank.clock import from_micros
from taskbank.errors import LeaseLost, NotAllowed, NotFound
from taskbank.models import AssignmentState, BatchState
from taskbank.store.runner import Step, fetch_one


def explain_unsubmittable(
    found: Sequence[Any] | None, assignment_id: int, writer_id: str, now: int | None = None
) -> NoReturn:
    """Raise the error for an assignment row (writer_id, state, lease_expires_at, batch state,
    batch deadline) that refused a write; `now` in epoch microseconds."""
    if found is None:
        raise NotFound(f"no assignment {assignment_id}")
    owner, state, expires, batch_state, deadline = found
    if owner != writer_id:
        raise NotAllowed("that task is held by another writer")
    live = state in (AssignmentState.ACTIVE, AssignmentState.EXPIRED)
    if live and now is not None and expires <= now:
        stopped = (
            f"the coordinator {'paused' if batch_state == BatchState.PAUSED else 'closed'} its batch"
            if batch_state != BatchState.OPEN
            else "its batch's deadline passed"
            if deadline is not None and deadline <= now
            else None
        )
        if stopped is not None:
            raise LeaseLost(
                f"{stopped}, so the answer can no longer be taken", ran_out_at=from_micros(expires)
            )
    if state == AssignmentState.EXPIRED:
        raise LeaseLost("another writer has taken the slot", ran_out_at=from_micros(expires))
    if state == AssignmentState.SUBMITTED:
        raise NotAllowed("that task was already submitted")
    raise NotAllowed(f"that task was {state}; claim a new one")


def refuse(
    assignment_id: int, writer_id: str, now: int | None = None
) -> Generator[Step, Any, NoReturn]:
    """An operation's last steps when a write on an assignment changed nothing: read why, and
    raise the error that says so."""
    found = yield fetch_one(
        "SELECT a.writer_id, a.state, a.lease_expires_at, b.state, b.deadline"
        " FROM assignments AS a JOIN batches AS b ON b.id = a.batch_id WHERE a.id = $1",
        assignment_id,
    )
    explain_unsubmittable(found, assignment_id, writer_id, now)
