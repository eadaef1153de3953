"""Forgetting a writer: their id is replaced by their pseudonym in every table, so the work, the
verdicts and every ledger sum stay exactly as they were while nothing ties them to the person.

Their credits (names they chose) are removed. The pseudonym is the one their rows already carried
in exports, so a dataset exported before and after names the same contributor the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from taskbank.credit import mint_pseudonym
from taskbank.errors import Problem, ValidationFailed

if TYPE_CHECKING:
    from taskbank.service import TaskBank


@dataclass(frozen=True)
class Forgotten:
    """What forgetting rewrote: the pseudonym now in every row, and rows changed per table."""

    user_id: str
    pseudonym: str
    changed: dict[str, int]


async def forget_preview(bank: TaskBank, user_id: str) -> dict[str, int]:
    """The rows per table that name a person (what `forget` would rewrite); refuses an id the
    database does not know, or one already forgotten."""
    user_id = user_id.strip()
    stored = await bank.store.pseudonym_row(user_id)  # type: ignore[attr-defined]
    if stored is not None and stored["forgotten_at"] is not None:
        raise ValidationFailed(
            [Problem("writer", f"'{user_id}' is the pseudonym of a writer already forgotten")]
        )
    counts = await bank.store.identity_counts(user_id)  # type: ignore[attr-defined]
    if not any(counts.values()) and stored is None:
        raise ValidationFailed(
            [
                Problem(
                    "writer",
                    f"no writer '{user_id}' in this database; give the id as stored, "
                    "e.g. slack:U0123 or discord:42 (see `taskbot tally`)",
                )
            ]
        )
    return counts


async def forget_writer(bank: TaskBank, user_id: str) -> Forgotten:
    """Rewrite a person's id to their pseudonym everywhere, in one transaction."""
    user_id = user_id.strip()
    await forget_preview(bank, user_id)
    pseudonym, changed = await bank.store.forget_user(user_id, mint_pseudonym, bank.now())  # type: ignore[attr-defined]
    return Forgotten(user_id, pseudonym, changed)
