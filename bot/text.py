"""Text cut to a chat's limits: pieces that fit after escaping, and shortened labels."""

from __future__ import annotations

from collections.abc import Callable, Iterator


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut."""
    text = text.strip() or "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pieces(text: str, limit: int, escape: Callable[[str], str] = str) -> Iterator[str]:
    """`text` escaped, in pieces of at most `limit` characters, cut at line or word ends."""
    rest = text
    while rest:
        if len(escape(rest)) <= limit:
            yield escape(rest)
            return
        # Escaping can only lengthen text, so a cut that fits before escaping is a start.
        cut = limit
        while len(escape(rest[:cut])) > limit:
            cut -= max(1, (len(escape(rest[:cut])) - limit) // 4)
        window = rest[:cut]
        at = max(window.rfind("\n"), window.rfind(" "))
        if at > cut // 2:
            cut = at + 1
        yield escape(rest[:cut])
        rest = rest[cut:]
