"""Money is an int of cents; this is the one place that turns it into text."""

from __future__ import annotations

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}
CURRENCY_OF_SYMBOL = {symbol: currency for currency, symbol in _SYMBOLS.items()}


def symbol_of(currency: str) -> str | None:
    """The sign amounts of this currency are written with ('$' for USD), or None (then its code)."""
    return _SYMBOLS.get(currency.upper())


def format_cents(cents: int, currency: str = "USD") -> str:
    """Format integer cents for people: 40 -> '$0.40', -125 -> '-$1.25'."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError(f"money must be an int of cents, got {type(cents).__name__}")
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    symbol = symbol_of(currency)
    amount = f"{whole:,}.{part:02d}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency.upper()}"
