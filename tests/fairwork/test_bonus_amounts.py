"""Bonus amounts as coordinators type them: the README's own "1,000.00" and other grouped amounts
are read (they were refused as "not an amount"), a trailing code of the configured currency is
read, and an amount in another currency's sign or code is refused naming both currencies (a "€2"
had been paid as $2.00 under USD)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskbank.bonuses import MAX_BONUS_CENTS, parse_amount
from taskbank.errors import ValidationFailed
from taskbank.money import format_cents
from tests.fairwork.conftest import CORA, command
from tests.fairwork.ledger import has_worked, ledger_sum


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [
        ("1,000.00", "USD", 100_000),
        ("$1,000", "USD", 100_000),
        ("1,000", "USD", 100_000),
        ("2.50 USD", "USD", 250),
        ("2.50 usd", "USD", 250),
        ("$2 USD", "USD", 200),
        ("€2", "EUR", 200),
        ("£0.05", "GBP", 5),
        ("CA$3", "CAD", 300),
        ("2 CHF", "CHF", 200),
    ],
)
def test_an_amount_in_the_configured_currency_is_read(text, currency, cents):
    assert parse_amount(text, currency) == cents


@pytest.mark.parametrize(
    ("text", "currency", "given"),
    [
        ("€2", "USD", "EUR"),
        ("2 EUR", "USD", "EUR"),
        ("$2 EUR", "USD", "EUR"),
        ("$2", "CHF", "USD"),
        ("A$2", "CAD", "AUD"),
    ],
)
def test_an_amount_in_another_currency_is_refused_naming_both(text, currency, given):
    with pytest.raises(ValidationFailed) as refused:
        parse_amount(text, currency)
    (problem,) = refused.value.problems
    assert problem.field == "amount"
    assert f"is in {given}, but amounts here are in {currency}" in problem.message


@pytest.mark.parametrize("text", ["1,00", "1,0000", ",100", "1,000,", "1,,000", "1 000"])
def test_commas_out_of_their_places_are_not_an_amount(text):
    with pytest.raises(ValidationFailed) as refused:
        parse_amount(text)
    assert refused.value.problems[0].message.endswith(
        "is not an amount; expected e.g. 2.50 or $2.50"
    )


@given(st.integers(1, MAX_BONUS_CENTS))
def test_every_amount_as_taskbot_writes_it_reads_back(cents):
    for currency in ("USD", "EUR", "GBP", "CAD", "AUD", "CHF"):
        assert parse_amount(format_cents(cents, currency), currency) == cents


async def test_a_euro_bonus_under_dollars_is_refused_and_pays_nothing(taskbot, chat, bank):
    await has_worked(bank)
    await taskbot.handle(command(CORA, "bonus", "test:wendy", "€2", "why"))
    refusal = chat.last("post").card
    assert refusal.title == "That didn't work"
    assert "is in EUR, but amounts here are in USD" in " ".join(refusal.blocks)
    assert await ledger_sum(bank) == (0, 0, [])


async def test_the_readmes_most_is_paid(taskbot, chat, bank):
    await has_worked(bank)
    await taskbot.handle(command(CORA, "bonus", "test:wendy", "1,000.00", "a whole season"))
    assert chat.last("post").card.title == "Bonus of $1,000.00 paid to test:wendy"
    count, total, _ = await ledger_sum(bank)
    assert (count, total) == (1, 100_000)
