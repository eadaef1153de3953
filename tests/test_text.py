"""Cutting text to a chat's limits."""

from __future__ import annotations


def test_text_pieces_fit_their_limit_and_keep_every_character():
    from bot.text import pieces

    def escape(text: str) -> str:
        return text.replace("*", "\\\\*")

    text = ("one *two* three\\nfour " * 400)[:7000]
    cut = list(pieces(text, 500, escape))
    assert all(len(piece) <= 500 for piece in cut)
    assert "".join(cut) == escape(text)
    assert all(piece.endswith((" ", "\\n")) for piece in cut[:-1])  # at word or line ends
    assert list(pieces("short", 500, escape)) == ["short"]
