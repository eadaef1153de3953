"""Cutting text to a chat's limits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st


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


ESCAPES = {"&": "&amp;", "<": "&lt;", "*": "\\*", "é": "é"}


@given(
    st.text(alphabet=st.sampled_from([*ESCAPES, "a", " ", "\n"]), max_size=3000),
    st.integers(8, 600),
)
def test_any_text_is_cut_into_pieces_that_fit_and_lose_nothing(text, limit):
    from bot.text import pieces

    def escape(chunk: str) -> str:
        return "".join(ESCAPES.get(c, c) for c in chunk)

    cut = list(pieces(text, limit, escape))
    assert all(0 < len(piece) <= limit for piece in cut)
    assert "".join(cut) == escape(text)


def test_text_that_escapes_long_everywhere_still_fills_its_pieces():
    from bot.text import pieces

    cut = list(pieces("&" * 1000, 500, lambda chunk: chunk.replace("&", "&amp;")))
    assert [len(piece) for piece in cut] == [500] * 10
