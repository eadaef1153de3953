"""Why an assignment cannot be answered or ended: one explanation for every store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from taskbank.clock import from_micros
from taskbank.errors import LeaseLost, NotAllowed, NotFound
from taskbank.models import AssignmentState


def explain_unsubmittable(
    found: Sequence[Any] | None, assignment_id: int, writer_id: str
) -> NoReturn:
    """Raise the error for an assignment row (writer_id, state, lease_expires_at) that refused a write."""
    if found is None:
        raise NotFound(f"no assignment {assignment_id}")
    owner, state, expires = found
    if owner != writer_id:
        raise NotAllowed("that task is held by another writer")
    if state == AssignmentState.EXPIRED:
        raise LeaseLost(
            f"the lease ran out at {from_micros(expires):%H:%M} UTC and another writer has taken the slot"
        )
    if state == AssignmentState.SUBMITTED:
        raise NotAllowed("that task was already submitted")
    raise NotAllowed(f"that task was {state}; claim a new one")
