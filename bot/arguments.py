"""Command arguments, parsed into typed values or refused clearly (control ids: bot/actions.py).

Everything here comes from a person, so nothing is trusted: a word where a number belongs or a
number too large to store is a refusal that names what was expected, never a ValueError.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


# A writer as a coordinator names one: a chat mention (Slack's <@U123|name>, Discord's <@123> or
# <@!123>), a full 'platform:id' key, or a bare id (an '@' before it is allowed).
_MENTION = re.compile(r"<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>")
_WRITER_KEY = re.compile(r"[a-z]+:[A-Za-z0-9._-]{1,64}")
_USER_ID = re.compile(r"@?([A-Za-z0-9._-]{1,64})")


def named_writer(text: str, platform: str, usage: str) -> str:
    """The bank's key for the writer named in a command, on the coordinator's own `platform`
    unless the text is a full key; else a refusal naming the forms and the command's usage."""
    text = text.strip()
    if mention := _MENTION.fullmatch(text):
        return f"{platform}:{mention[1]}"
    if _WRITER_KEY.fullmatch(text):
        return text
    if bare := _USER_ID.fullmatch(text):
        return f"{platform}:{bare[1]}"
    raise ValidationFailed(
        [
            Problem(
                "usage",
                f"{quoted(text)} names no writer: mention them or give their user id; "
                f"expected {usage}",
            )
        ]
    )


def at_most(words: Sequence[str], most: int, usage: str) -> None:
    """Refuse the words past the `most` a command takes, rather than ignore them: a mistyped
    '/batch close 1 2' must not close batch 1."""
    if len(words) > most:
        extra = " ".join(words[most:])
        raise ValidationFailed(
            [Problem("usage", f"{quoted(extra)} is more than this takes; expected {usage}")]
        )
