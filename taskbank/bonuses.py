"""Bonuses: money a coordinator adds for a writer, as a new ledger entry with its reason.

Amounts are typed by people ("2", "2.50", "$2.50") and become integer cents here, or a refusal
that says what was expected; a bonus is positive and at most `MAX_BONUS_CENTS`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

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
    reason = reason.strip()
    if not reason:
        raise ValidationFailed([Problem("reason", "say what the bonus is for")])
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationFailed([Problem("reason", f"at most {MAX_REASON_CHARS} characters")])
    return await bank.add_ledger_entry(
        writer_id, LedgerKind.BONUS, amount_cents, f"{reason} (granted by {granted_by})"
    )
