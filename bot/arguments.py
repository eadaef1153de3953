"""Command arguments and the ids carried in controls, parsed into typed values or refused clearly.

Everything here comes from a person or a platform payload, so nothing is trusted: a word where a
number belongs, a number too large to store, or a control id of the wrong shape is a refusal that
names what was expected, never a ValueError or an IndexError.
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


def control_parts(control_id: str, count: int) -> list[str]:
    """The ':'-separated parts of a control or form id, at least `count` of them, or a refusal."""
    parts = control_id.split(":")
    if len(parts) < count:
        raise ValidationFailed(
            [Problem("control", f"{quoted(control_id)} is not a control this bot made")]
        )
    return parts


def control_number(control_id: str, index: int) -> int:
    """The id at one position of a control or form id, or a refusal."""
    part = control_parts(control_id, index + 1)[index]
    if not is_whole_number(part):
        raise ValidationFailed(
            [Problem("control", f"{quoted(control_id)} is not a control this bot made")]
        )
    return int(part)
