"""Answer text: what a writer's text may hold, its stored form, and how much of it is visible.

Lengths and word counts are taken over what a reader sees, so zero-width characters, blank glyphs
(U+2800, the Hangul fillers) and stray combining marks never make an empty answer look written.
Control characters, bidirectional overrides and lone surrogates are refused, not stripped: the
writer is told what was wrong, and what is stored is what they will see in the export.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from taskbank.errors import Problem, ValidationFailed

QUOTE_CHARS = 40

# Characters that draw nothing yet are letters or symbols to Unicode; they separate like spaces.
BLANK_GLYPHS = "\u115f\u1160\u2800\u3164\uffa0\U0001d159"
# Zero-width characters that mean nothing at either end of a text (tags stay: they end flags).
_ZERO_WIDTH_EDGES = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_EDGES = _SPACES + BLANK_GLYPHS + _ZERO_WIDTH_EDGES

# Every way of breaking a line that pasted text carries; all are stored as "\n".
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
# C0 and C1 controls but tab, line feed and the line breaks above; bidi embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069); lone surrogates.
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SEPARATORS = re.compile(f"[\\s{BLANK_GLYPHS}]+")


class InvalidAnswer(ValueError):
    """One question's answer is wrong; the message says what was expected."""


def refusal(text: str) -> str | None:
    """Why this text cannot be kept (a control, bidi or surrogate character), or None."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    char, where = found.group(), f"at character {found.start() + 1:,}"
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"holds a lone surrogate ({code}) {where}, which is not text; paste the text again"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return (
            f"holds a bidirectional control ({code}) {where}; these reorder how text is shown "
            "and are not accepted"
        )
    return f"holds a control character ({code}) {where}; only line breaks and tabs are accepted"


def written_note(value: str | None, field: str, limit: int) -> str | None:
    """A short text a person writes beside a decision (a rejection's reason, an appeal's note, a
    bonus's reason): trimmed and stored as text is, or None when it shows nothing (only spaces,
    blank glyphs or zero-width characters); ValidationFailed naming `field` when it holds a
    refused character or runs past `limit` characters."""
    text = trim(value or "")
    if not text or measure(text)[0] == 0:
        return None
    problem = refusal(text)
    if problem is not None:
        raise ValidationFailed([Problem(field, f"the text {problem}")])
    if len(text) > limit:
        raise ValidationFailed(
            [Problem(field, f"is {len(text):,} characters; at most {limit:,} are kept")]
        )
    return clean_text(text)


def clean_text(text: str) -> str:
    """The text as stored: line breaks as "\\n", composed to NFC; InvalidAnswer when refused."""
    problem = refusal(text)
    if problem is not None:
        raise InvalidAnswer(f"the text {problem}")
    return unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", text))


def trim(text: str) -> str:
    """The text without spaces, blank glyphs or zero-width characters at either end."""
    return text.strip(_EDGES)


@lru_cache(maxsize=8192)
def _is_visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNPS" and char not in BLANK_GLYPHS


def measure(text: str) -> tuple[int, int]:
    """Visible characters and words: the text as read, with one space between its words.

    A run between spaces or blank glyphs counts as characters when it shows a letter, digit,
    punctuation mark or symbol, and as a word only when it holds a letter or a digit (a scene of
    90 dots is no 90-word scene); combining marks and format characters add nothing.
    """
    tokens = _SEPARATORS.split(text)
    widths = [len(t) if t.isascii() else sum(map(_is_visible, t)) for t in tokens]
    shown = [width for width in widths if width]
    words = sum(1 for token in tokens if any(_is_wordy(char) for char in token))
    return (sum(shown) + len(shown) - 1 if shown else 0), words


@lru_cache(maxsize=8192)
def _is_wordy(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """At most `limit` characters of a text, invisible and control characters escaped."""
    shown = "".join(char if _is_printable(char) else f"\\u{ord(char):04x}" for char in text[:limit])
    return shown + ("…" if len(text) > limit else "")


@lru_cache(maxsize=8192)
def _is_printable(char: str) -> bool:
    return char == " " or (
        unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")
        and char not in BLANK_GLYPHS
    )


def quote(value: Any) -> str:
    """A value as a message shows it: short, quoted, never the whole of a huge input."""
    if isinstance(value, str):
        return f"'{shorten(value)}'"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        return f"{value:,}" if value.bit_length() < 64 else "a number too large to show"
    if isinstance(value, float):
        return repr(value)
    return f"a {type(value).__name__}"
