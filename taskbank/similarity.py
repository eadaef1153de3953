"""How different a rewrite is from its original: normalized edit distance.

The distance is Levenshtein's, computed with Hyyrö's bit-parallel form of Myers' algorithm on
Python integers, so a 4,000-character rewrite costs thousands of integer operations, not millions.
"""

from __future__ import annotations

import re
import unicodedata

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
    """Case, accents' composition, punctuation and spacing removed: what is left is the wording."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_PUNCTUATION_AND_SPACE.sub(" ", folded).split())


def normalized_distance(original: str, rewrite: str) -> float:
    """Edit distance of the normalized texts over the longer one's length: 0 same, 1 all new."""
    a, b = normalize_for_comparison(original), normalize_for_comparison(rewrite)
    longest = max(len(a), len(b))
    if longest == 0:
        return 0.0
    return levenshtein(a, b) / longest
