"""Bonuses: money a coordinator adds for a writer, as a new ledger entry with its reason, and a
batch-level rule that pays every writer whose gold accuracy in a batch reaches a share.

Amounts are typed by people ("2", "2.50", "$2.50") and become integer cents here, or a refusal
that says what was expected; a bonus is positive and at most `MAX_BONUS_CENTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from taskbank.answer_text import written_note
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from taskbank.models import LedgerEntry, LedgerKind

if TYPE_CHECKING:
    from taskbank.service import TaskBank

MAX_BONUS_CENTS = 100_000
MAX_REASON_CHARS = 500
_AMOUNT = re.compile(r"^[$€£]?(\d{1,7})(?:\.(\d{1,2}))?$")


def parse_amount(text: str) -> int:
    """'2' → 200, '2.5' → 250, '$2.50' → 250; anything else is refused."""
    match = _AMOUNT.match(text.strip())
    if match is None:
        raise ValidationFailed(
            [Problem("amount", f"'{text[:20]}' is not an amount; expected e.g. 2.50 or $2.50")]
        )
    cents = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    if not 0 < cents <= MAX_BONUS_CENTS:
        raise ValidationFailed(
            [Problem("amount", f"a bonus is more than 0 and at most {MAX_BONUS_CENTS // 100:,}.00")]
        )
    return cents


async def grant_bonus(
    bank: TaskBank, writer_id: str, amount_cents: int, reason: str, granted_by: str
) -> LedgerEntry:
    """Append a bonus for a writer (never one's own) with the reason and who granted it."""
    if writer_id == granted_by:
        raise NotAllowed("a coordinator cannot grant themselves a bonus")
    if not await bank.store.has_claimed(writer_id):
        raise ValidationFailed(
            [
                Problem(
                    "writer",
                    f"{writer_id} has no work on record (a bonus goes to a writer who has"
                    " claimed a task): mention them, or give their user id",
                )
            ]
        )
    written = written_note(reason, "reason", MAX_REASON_CHARS)
    if written is None:
        raise ValidationFailed([Problem("reason", "say what the bonus is for")])
    reason = written
    return await bank.add_ledger_entry(
        writer_id, LedgerKind.BONUS, amount_cents, f"{reason} (granted by {granted_by})"
    )


MIN_GOLD_ANSWERS = 3


@dataclass(frozen=True)
class RuleBonus:
    """A batch rule's bonus paid to one writer."""

    writer_id: str
    gold_answered: int
    gold_correct: int


async def gold_accuracy_bonus(
    bank: TaskBank,
    batch_id: int,
    min_percent: int,
    amount_cents: int,
    reason: str,
    granted_by: str,
) -> list[RuleBonus]:
    """Pay `amount_cents` to every writer with at least MIN_GOLD_ANSWERS gold answers in the batch
    and at least `min_percent` of them correct. The rule is named in each entry's note, and a
    writer already paid under the same rule is not paid again (the command may be sent twice)."""
    if not 0 < min_percent <= 100:
        raise ValidationFailed([Problem("percent", "expected a share from 1 to 100")])
    reason = reason.strip()
    if not reason:
        raise ValidationFailed([Problem("reason", "say what the bonus is for")])
    batch = await bank.batch(batch_id)
    note = (
        f"{reason} (batch {batch.id} rule: gold accuracy at least {min_percent}%, by {granted_by})"
    )
    paid = []
    for writer, answered, correct in await bank.store.gold_accuracy(batch_id):  # type: ignore[attr-defined]
        if writer == granted_by or answered < MIN_GOLD_ANSWERS:
            continue
        if correct * 100 < min_percent * answered:
            continue
        if await bank.store.insert_top_up(writer, amount_cents, note, batch_id, bank.now()):  # type: ignore[attr-defined]
            paid.append(RuleBonus(writer, answered, correct))
    return paid
