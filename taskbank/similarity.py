"""How different a rewrite is from its original: normalized edit distance.

The distance is Levenshtein's, computed with Hyyrö's bit-parallel form of Myers' algorithm on
Python integers, so a 4,000-character rewrite costs thousands of integer operations, not millions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from taskbank.answer_text import BLANK_GLYPHS

_PUNCTUATION_AND_SPACE = re.compile(r"[\W_]+", re.UNICODE)


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two strings."""
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)
    masks: dict[str, int] = {}
    for index, char in enumerate(b):
        masks[char] = masks.get(char, 0) | (1 << index)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    vertical_plus, vertical_minus, score = full, 0, m
    for char in a:
        equal = masks.get(char, 0)
        x_vertical = equal | vertical_minus
        x_horizontal = (((equal & vertical_plus) + vertical_plus) ^ vertical_plus) | equal
        horizontal_plus = vertical_minus | (~(x_horizontal | vertical_plus) & full)
        horizontal_minus = vertical_plus & x_horizontal
        if horizontal_plus & top:
            score += 1
        elif horizontal_minus & top:
            score -= 1
        horizontal_plus = ((horizontal_plus << 1) | 1) & full
        horizontal_minus = (horizontal_minus << 1) & full
        vertical_plus = horizontal_minus | (~(x_vertical | horizontal_plus) & full)
        vertical_minus = horizontal_plus & x_vertical
    return score


def normalize_for_comparison(text: str) -> str:
    """Case, accents' composition, punctuation, spacing and invisible characters removed: the wording."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return " ".join(_PUNCTUATION_AND_SPACE.sub(" ", folded).split())
    return " ".join("".join(map(_wording, folded)).split())


@lru_cache(maxsize=8192)
def _wording(char: str) -> str:
    """A character as wording: letters, digits and their marks stay; format characters (zero
    width, invisible) vanish, so they can neither hide a copy nor fake a change; the rest, blank
    glyphs included, is space."""
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if char.isalnum() or category[0] == "M":
        return " " if char in _BLANK else char
    return " "


_BLANK = frozenset(BLANK_GLYPHS + unicodedata.normalize("NFKC", BLANK_GLYPHS))


def normalized_distance(original: str, rewrite: str) -> float:
    """Edit distance of the normalized texts over the longer one's length: 0 same, 1 all new."""
    a, b = normalize_for_comparison(original), normalize_for_comparison(rewrite)
    longest = max(len(a), len(b))
    if longest == 0:
        return 0.0
    return levenshtein(a, b) / longest
