"""Top-ups to target: at tally time, for each project that opted in, each writer whose period
pay for that project's work falls short of its target hourly rate gets the difference as a bonus.

Short of what: the target × every second given to the project's tasks in the period (as the
all-in rate counts them: rejected, skipped, released and expired holds and terms reading too),
rounded up to a cent, less the paid and pending pay of that work. The entry's note names the
period and the project, and the insert refuses a second entry with that note, so a tally run
again (a restart, a catch-up) never pays twice. It is a new ledger entry, paid at tally time,
charged to one of the project's batches so it counts against the project's budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from taskbank.fairpay import hourly_rates
from taskbank.models import Period

if TYPE_CHECKING:
    from taskbank.service import TaskBank


@dataclass(frozen=True)
class TopUp:
    """A top-up paid to one writer for one project's work in a period."""

    writer_id: str
    project_name: str
    target_cents: int
    amount_cents: int


def top_up_note(period_key: str, project_name: str, target_cents: int) -> str:
    """The note that names (and so makes unique) one writer's top-up."""
    return f"top-up to {target_cents}c/h for {period_key} on project {project_name}"


async def top_up_to_target(
    bank: TaskBank, period: Period, period_key: str, project_names: tuple[str, ...]
) -> list[TopUp]:
    """Pay every top-up owed for the period in the opted-in projects; returns those paid now."""
    if not project_names:
        return []
    batches = await bank.list_batches()
    paid: list[TopUp] = []
    for project, _spent in await bank.project_spend():
        target = project.target_hourly_cents
        if project.name not in project_names or not target:
            continue
        charged_to = min((b.id for b in batches if b.project_id == project.id), default=None)
        if charged_to is None:
            continue
        for rate in await hourly_rates(bank, period, project_id=project.id):
            owed = -(-target * rate.total_seconds // 3600) - rate.paid_cents - rate.pending_cents
            if owed <= 0:
                continue
            note = top_up_note(period_key, project.name, target)
            if await bank.store.insert_top_up(  # type: ignore[attr-defined]
                rate.writer_id, owed, note, charged_to, bank.now()
            ):
                paid.append(TopUp(rate.writer_id, project.name, target, owed))
    return paid
