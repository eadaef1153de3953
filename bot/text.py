"""Text for chats: pieces that fit after escaping, shortened and distinct labels, counted
nouns, and moments each chat shows in its reader's own time zone."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    text = text.strip() or "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pieces(text: str, limit: int, escape: Callable[[str], str] = str) -> Iterator[str]:
    """`text` escaped, in pieces of at most `limit` characters, cut at line or word ends.

    Escaping only lengthens text, so a piece is at most `limit` characters of the original. When
    a window escapes too long it is shrunk: to where it would fit if its characters all escaped
    alike, or by the overflow (each character dropped shortens the escaped text by at least one,
    so that always fits), whichever keeps more. A piece costs a few escapes of at most `limit`
    characters, not a bisection's dozen.
    """
    rest = text
    while rest:
        cut = min(len(rest), limit)
        shown = len(escape(rest[:cut]))
        while shown > limit and cut > 1:
            cut = max(1, cut - (shown - limit), cut * limit // shown)
            shown = len(escape(rest[:cut]))
        if cut < len(rest):
            at = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
            if at > cut // 2:
                cut = at + 1
            cut = _outside_a_mark(rest, cut)
        yield escape(rest[:cut])
        rest = rest[cut:]


def _outside_a_mark(text: str, cut: int) -> int:
    """`cut` moved off the inside of a time mark (a cut one would show its characters, not a
    time): to the mark's start, or past its end when it starts the text."""
    start = text.rfind("\ue000", 0, cut)
    if start == -1 or text.find("\ue002", start, cut) != -1:
        return cut
    return start if start > 0 else text.find("\ue002", start) + 1 or len(text)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """'1 word', '2 words', '1,000 tasks'."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def shorten_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word's end when one is near, "…" marking the cut."""
    text = text.strip() or "…"
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    at = cut.rfind(" ")
    if at > limit // 2:
        cut = cut[:at]
    return cut.rstrip(" ,;:—-") + "…"


# The shortest option label any chat shows whole (Slack's 75 characters; Discord's are 100).
OPTION_SHOWN = 75


def full_options(options: Sequence[str]) -> str | None:
    """The options numbered in full, for a card whose chat must cut their labels (else None)."""
    if not needs_cutting(options, OPTION_SHOWN):
        return None
    return "Options:\n" + "\n".join(f"{i}. {option}" for i, option in enumerate(options, 1))


def needs_cutting(labels: Sequence[str], limit: int) -> bool:
    """Whether any option label is longer than a chat shows."""
    return any(len(label) > limit for label in labels)


def distinct_labels(labels: Sequence[str], limit: int) -> list[str]:
    """Option labels cut to `limit` so that they stay told apart.

    When none is too long they are kept. Otherwise each is numbered as in the card's full list
    of options, and the text every label starts with is left out ("…") so the differing words
    show: 25 options that share a long opening would else all read the same.
    """
    if not needs_cutting(labels, limit):
        return list(labels)
    shared = _shared_opening(labels)
    shared = shared[: shared.rfind(" ") + 1] if " " in shared else ""
    cut = []
    for number, label in enumerate(labels, 1):
        head = f"{number}. "
        if len(head) + len(label) <= limit or len(shared) < 12 or len(label) <= len(shared):
            cut.append(shorten_words(head + label, limit))
            continue
        rest = label[len(shared) :]
        # As much of the shared opening as fits, from its last words, before what differs.
        room = limit - len(head) - 1 - len(rest)
        kept = shared[len(shared) - room :] if room > 0 else ""
        kept = kept[kept.find(" ") + 1 :] if " " in kept[:-1] else ""
        cut.append(shorten_words(f"{head}…{kept}{rest}", limit))
    return cut


def _shared_opening(labels: Sequence[str]) -> str:
    """The characters every label starts with (none for a single label)."""
    if len(labels) < 2:
        return ""
    first, last = min(labels), max(labels)
    size = next(
        (i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b),
        min(len(first), len(last)),
    )
    return first[:size]


# A moment inside neutral text: each chat shows it in the reader's own zone (Slack's <!date>
# token, Discord's <t:…:f>); where a chat cannot, the fallback (the bot's zone) is shown. The mark
# carries a key drawn when the process starts, so text from people (an answer, a reason, a name)
# holding the same private-use characters is never read as a mark: it would hide what it wraps
# behind a date. Marks are drawn in the process that made them, so the key never leaves it.
_KEY = secrets.token_hex(8)
_TIME = re.compile(f"\ue000{_KEY}([0-9]{{1,12}})\ue001([^\ue000-\ue002]*)\ue002")


def time_mark(moment: datetime, fallback: str) -> str:
    """A moment in a card's text, drawn by each chat in its reader's zone."""
    return f"\ue000{_KEY}{int(moment.timestamp())}\ue001{fallback}\ue002"


def with_times(text: str, draw: Callable[[int, str], str]) -> str:
    """Text with each time mark drawn by `draw(epoch seconds, fallback)`."""
    if "\ue000" not in text:
        return text
    return _TIME.sub(lambda found: draw(int(found.group(1)), found.group(2)), text)


def plain_times(text: str) -> str:
    """Text with each time mark as its fallback (for chats and places without time tokens)."""
    return with_times(text, lambda _, fallback: fallback)
