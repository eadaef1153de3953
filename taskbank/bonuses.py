"""Bonuses: money a coordinator adds for a writer, as a new ledger entry with its reason, and a
batch-level rule that pays every writer whose gold accuracy in a batch reaches a share.

Amounts are typed by people ("2", "2.50", "$2.50", "1,000", "2.50 USD") and become integer cents
here, or a refusal that says what was expected (an amount in another currency than the configured
one among them); a bonus is positive and at most `MAX_BONUS_CENTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from taskbank.answer_text import written_note
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from taskbank.models import LedgerEntry, LedgerKind
from taskbank.money import CURRENCY_OF_SYMBOL, format_cents

if TYPE_CHECKING:
    from taskbank.service import TaskBank

MAX_BONUS_CENTS = 100_000
MAX_REASON_CHARS = 500
# An amount as people type it: a sign ($, €, £, CA$, A$) or a trailing code (2.50 USD) at most,
# whole units grouped by commas or not (1,000 or 1000), and up to two decimals.
_AMOUNT = re.compile(
    r"^(?P<sign>CA\$|A\$|[$€£])?\s*(?P<whole>\d{1,7}|\d{1,3}(?:,\d{3})+)(?:\.(?P<part>\d{1,2}))?"
    r"(?:\s*(?P<code>[A-Za-z]{3}))?$"
)


def parse_amount(text: str, currency: str = "USD") -> int:
    """'2' → 200, '2.5' → 250, '$2.50' → 250, '1,000' → 100000, '2.50 USD' → 250, in `currency`;
    an amount in another currency's sign or code, or anything else, is refused."""
    match = _AMOUNT.match(text.strip())
    example = f"2.50 or {format_cents(250, currency)}"
    if match is None:
        raise ValidationFailed(
            [Problem("amount", f"'{text[:20]}' is not an amount; expected e.g. {example}")]
        )
    named = [CURRENCY_OF_SYMBOL.get(match["sign"] or ""), (match["code"] or "").upper() or None]
    given = next((other for other in named if other and other != currency.upper()), None)
    if given is not None:
        raise ValidationFailed(
            [
                Problem(
                    "amount",
                    f"'{text[:20]}' is in {given}, but amounts here are in {currency.upper()};"
                    f" expected e.g. {example}",
                )
            ]
        )
    whole = int(match["whole"].replace(",", ""))
    cents = whole * 100 + int((match["part"] or "0").ljust(2, "0"))
    if not 0 < cents <= MAX_BONUS_CENTS:
        limit = format_cents(MAX_BONUS_CENTS, currency)
        raise ValidationFailed([Problem("amount", f"a bonus is more than 0 and at most {limit}")])
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
