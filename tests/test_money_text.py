"""Money as text, checked against the integer it came from: any number of cents — negative,
zero, past a billion — reads back to exactly itself, and a bonus typed as text becomes the cents
it says, with no float on the way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskbank.bonuses import MAX_BONUS_CENTS, parse_amount
from taskbank.errors import ValidationFailed
from taskbank.money import format_cents


def read_back(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-").lstrip("$").replace(",", "")
    return sign * int(Decimal(digits) * 100)


@given(st.integers(-(10**15), 10**15))
def test_any_cents_read_back_to_themselves(cents):
    assert read_back(format_cents(cents)) == cents


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "$0.00"), (-1, "-$0.01"), (-125, "-$1.25"), (123456789012, "$1,234,567,890.12")],
)
def test_edges_of_money_text(cents, text):
    assert format_cents(cents) == text


def test_a_float_is_refused_as_money():
    with pytest.raises(TypeError):
        format_cents(0.1 + 0.2)  # type: ignore[arg-type]


@given(st.integers(1, MAX_BONUS_CENTS))
def test_a_typed_bonus_is_exactly_the_cents_it_says(cents):
    whole, part = divmod(cents, 100)
    assert parse_amount(f"{whole}.{part:02d}") == cents
    assert parse_amount(f"${whole}.{part:02d}") == cents
    if part % 10 == 0:
        assert parse_amount(f"{whole}.{part // 10}") == cents


@pytest.mark.parametrize("text", ["0", "0.00", "-2", "1000.01", "2.505", "1e3", "nan", "2,50"])
def test_a_bonus_outside_the_rules_is_refused(text):
    with pytest.raises(ValidationFailed):
        parse_amount(text)
