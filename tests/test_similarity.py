"""The edit distance behind rewrite checks agrees with the textbook definition."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from taskbank.similarity import levenshtein, normalize_for_comparison, normalized_distance


def textbook_levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@given(st.text(alphabet="abcd é", max_size=40), st.text(alphabet="abcde ", max_size=40))
def test_bit_parallel_distance_matches_the_dynamic_programme(a, b):
    assert levenshtein(a, b) == textbook_levenshtein(a, b)


@given(st.text(max_size=30), st.text(max_size=30))
def test_distance_is_symmetric(a, b):
    assert levenshtein(a, b) == levenshtein(b, a)


def test_known_distances():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("same", "same") == 0


def test_normalization_drops_case_punctuation_and_spacing():
    assert normalize_for_comparison("  Hello,   WORLD!! ") == "hello world"
    assert normalized_distance("Hello, world.", "hello world") == 0.0
    assert normalized_distance("abc", "xyz") == 1.0


def test_long_texts_are_compared_exactly():
    original = "x" * 4000
    rewrite = "y" * 1000 + "x" * 3000
    assert levenshtein(original, rewrite) == 1000
