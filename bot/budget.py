"""Budget caps as coordinators see them: a warning at import when the work can cost more than
the project's cap, the budget line on a batch's status, and one notice when a batch stops
handing out tasks because what is left of the cap no longer pays for one."""

from __future__ import annotations

from dataclasses import dataclass

from taskbank.models import Batch, BatchState, Project
from taskbank.money import format_cents
from taskbank.service import TaskBank


@dataclass(frozen=True)
class ProjectBudget:
    """A capped project's money: paid from the ledger, and promised to leases and answers
    not yet reviewed (each may still be paid)."""

    project: Project
    cap: int
    spent: int
    committed: int

    @property
    def left(self) -> int:
        """What no lease or answer has claimed yet."""
        return max(self.cap - self.spent - self.committed, 0)


async def budgets(bank: TaskBank) -> dict[int, ProjectBudget]:
    """Every capped project's budget, by project id."""
    capped = {
        project.id: (project, spent)
        for project, spent in await bank.project_spend()
        if project.budget_cap_cents is not None
    }
    committed = dict.fromkeys(capped, 0)
    for batch in await bank.list_batches():
        if batch.project_id in capped:
            progress = await bank.batch_progress(batch.id)
            promised = progress.assignments.get("active", 0) + progress.submissions.get(
                "pending", 0
            )
            committed[batch.project_id] += promised * batch.pay_cents
    return {
        pid: ProjectBudget(project, project.budget_cap_cents or 0, spent, committed[pid])
        for pid, (project, spent) in capped.items()
    }


async def import_warning(bank: TaskBank, batch: Batch, currency: str) -> str | None:
    """A warning when this batch's work, with what the project has spent, can pass its cap."""
    budget = (await budgets(bank)).get(batch.project_id)
    if budget is None:
        return None
    slots = (await bank.batch_progress(batch.id)).slots
    cost = slots * batch.pay_cents
    if budget.spent + budget.committed + cost <= budget.cap:
        return None
    money = lambda cents: format_cents(cents, currency)  # noqa: E731
    fits = budget.left // batch.pay_cents if batch.pay_cents else slots
    return (
        f"this batch's {slots} answers at {money(batch.pay_cents)} cost {money(cost)}, but "
        f"project {budget.project.name} has {money(budget.left)} of its {money(budget.cap)} cap "
        f"left: claims stop after about {fits} answers. Raise the project's budget_cap_cents "
        "in a new import, or expect the batch to stop there"
    )


def status_line(budget: ProjectBudget, batch: Batch, currency: str) -> str:
    """'$1.20 spent of $5.00; $0.40 promised; $3.40 left', and whether claims have stopped."""
    money = lambda cents: format_cents(cents, currency)  # noqa: E731
    promised = f"; {money(budget.committed)} promised" if budget.committed else ""
    stopped = (
        " — not enough for another task: claims have stopped"
        if budget.left < batch.pay_cents
        else ""
    )
    return f"{money(budget.spent)} spent of {money(budget.cap)}{promised}; {money(budget.left)} left{stopped}"


async def stopped_batches(bank: TaskBank) -> list[tuple[Batch, ProjectBudget]]:
    """Open batches with slots still to fill whose project's budget cannot pay one more task."""
    found = []
    by_project = await budgets(bank)
    for batch in await bank.list_batches():
        budget = by_project.get(batch.project_id)
        if budget is None or batch.state is not BatchState.OPEN:
            continue
        progress = await bank.batch_progress(batch.id)
        if sum(progress.submissions.values()) < progress.slots and budget.left < batch.pay_cents:
            found.append((batch, budget))
    return found
