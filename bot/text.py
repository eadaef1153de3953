"""Text cut to a chat's limits: pieces that fit after escaping, and shortened labels."""

from __future__ import annotations

from collections.abc import Callable, Iterator


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
        yield escape(rest[:cut])
        rest = rest[cut:]
