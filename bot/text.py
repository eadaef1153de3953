"""Text cut to a chat's limits: pieces that fit after escaping, and shortened labels."""

from __future__ import annotations

from collections.abc import Callable, Iterator


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    text = text.strip() or "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pieces(text: str, limit: int, escape: Callable[[str], str] = str) -> Iterator[str]:
    """`text` escaped, in pieces of at most `limit` characters, cut at line or word ends.

    Escaping only lengthens text, so a piece is at most `limit` characters of the original: each
    cut is found by bisecting that window, escaping no more than `limit` characters at a time.
    """
    rest = text
    while rest:
        window = rest[:limit]
        if len(escape(window)) <= limit:
            cut = len(window)
        else:
            low, high = 1, len(window) - 1
            while low < high:
                middle = (low + high + 1) // 2
                if len(escape(rest[:middle])) <= limit:
                    low = middle
                else:
                    high = middle - 1
            cut = low
        if cut < len(rest):
            at = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
            if at > cut // 2:
                cut = at + 1
        yield escape(rest[:cut])
        rest = rest[cut:]
