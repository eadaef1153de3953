"""Command arguments, parsed into typed values or refused clearly (control ids: bot/actions.py).

Everything here comes from a person, so nothing is trusted: a word where a number belongs or a
number too large to store is a refusal that names what was expected, never a ValueError.
"""

from __future__ import annotations

import re

from taskbank.errors import Problem, ValidationFailed

# Ids are SQL integers: 18 digits always fit a signed 64-bit column.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
SHOWN_INPUT = 40


def quoted(text: str) -> str:
    """A person's input for an error message: literal, and at most a short prefix."""
    shown = text if len(text) <= SHOWN_INPUT else text[:SHOWN_INPUT] + "…"
    return "'" + shown.encode("utf-8", "backslashreplace").decode("utf-8") + "'"


def is_whole_number(text: str) -> bool:
    """Whether a text is a plain decimal id (ASCII digits, small enough to store)."""
    return _WHOLE_NUMBER.fullmatch(text) is not None


def whole_number(text: str, what: str, field: str = "usage") -> int:
    """An id or count typed by a person, or a refusal naming what was expected."""
    if not is_whole_number(text):
        raise ValidationFailed(
            [Problem(field, f"{quoted(text)} is not a {what}; expected a number such as 12")]
        )
    return int(text)
