"""Alpha on random data against references computed apart from Taskbot's code: the `krippendorff`
package called directly on the raters × tasks matrix for ratings at every standard level, and
the coincidence definition written out pair by pair for sets of labels (MASI) and rankings
(Kendall). Tasks with one answer or none, missing answers and all-alike answers included."""

from __future__ import annotations

import itertools
import json
import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taskbank.quality.agreement import point_alpha, prepare
from taskbank.quality.alpha import alpha_of
from taskbank.quality.answers import AnswerTable, StoredAnswers
from taskbank.questions import QUESTION_LIST

OPTIONS = ["a", "b", "c", "d"]


def question(kind: str, **more: object):  # type: ignore[no-untyped-def]
    return QUESTION_LIST.validate_python([{"id": "q", "kind": kind, "prompt": "P", **more}])[0]


def both_alphas(q, rows, level):  # type: ignore[no-untyped-def]
    """Alpha by Taskbot's chosen path and by its general alpha, from (task, writer, value) rows."""
    stored = StoredAnswers(["q"], [(t, w, -1, json.dumps(v)) for t, w, v in sorted(rows)])
    prepared = prepare(AnswerTable(stored, [q]), q, level)
    return point_alpha(prepared), alpha_of(prepared.parts, prepared.matrix)


def same(expected: float | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return math.isclose(expected, got, abs_tol=1e-9)


@st.composite
def rating_rows(draw):  # type: ignore[no-untyped-def]
    high = draw(st.integers(2, 6))
    tasks, writers = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    rows = [
        (task, f"w{writer}", draw(st.integers(1, high)))
        for task in range(1, tasks + 1)
        for writer in range(writers)
        if draw(st.booleans())
    ]
    return high, tasks, writers, rows


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the package's 0/0 for no variation
@settings(max_examples=150, deadline=None)
@given(rating_rows(), st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_rating_alpha_matches_the_krippendorff_package(case, level):
    high, tasks, writers, rows = case
    matrix = np.full((writers, tasks), np.nan)
    for task, writer, value in rows:
        matrix[int(writer[1:]), task - 1] = value
    try:
        expected = krippendorff.alpha(
            reliability_data=matrix, level_of_measurement=level, value_domain=range(1, high + 1)
        )
        expected = None if np.isnan(expected) else float(expected)
    except ValueError:  # the package refuses one value or fewer than two pairable answers
        expected = None

    chosen, general = both_alphas(question("rating", scale_min=1, scale_max=high), rows, level)

    assert same(expected, chosen) and same(expected, general)


def masi(a: list[str], b: list[str]) -> float:
    first, second = set(a), set(b)
    if first == second:
        return 0.0
    nested = first <= second or second <= first
    monotonicity = 2 / 3 if nested else (1 / 3 if first & second else 0.0)
    return 1 - len(first & second) / len(first | second) * monotonicity


def kendall(a: list[str], b: list[str]) -> float:
    pairs = list(itertools.combinations(a, 2))
    place_a, place_b = {x: i for i, x in enumerate(a)}, {x: i for i, x in enumerate(b)}
    return sum((place_a[x] - place_a[y]) * (place_b[x] - place_b[y]) < 0 for x, y in pairs) / len(
        pairs
    )


def defined_alpha(rows, distance) -> float | None:  # type: ignore[no-untyped-def]
    """1 − D_o/D_e over pairable answers, each task's ordered pairs weighted 1/(m − 1)."""
    by_task: dict[int, list] = {}
    for task, _writer, value in rows:
        by_task.setdefault(task, []).append(value)
    shared = [values for values in by_task.values() if len(values) >= 2]
    pooled = [value for values in shared for value in values]
    n = len(pooled)
    if n < 2:
        return None
    observed = sum(
        sum(distance(a, b) for a, b in itertools.permutations(values, 2)) / (len(values) - 1)
        for values in shared
    )
    expected = sum(distance(a, b) for a, b in itertools.permutations(pooled, 2)) / (n - 1)
    return None if expected == 0 else 1 - observed / expected


answer_sets = st.lists(st.sampled_from(OPTIONS), min_size=1, unique=True).map(
    lambda chosen: [o for o in OPTIONS if o in chosen]
)
rankings = st.permutations(OPTIONS).map(list)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from("xyz"), answer_sets), max_size=18))
def test_labels_alpha_matches_the_masi_definition(rows):
    expected = defined_alpha(rows, masi)

    chosen, general = both_alphas(question("labels", options=OPTIONS), rows, "masi")

    assert same(expected, chosen) and same(expected, general)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from("xyz"), rankings), max_size=18))
def test_ranking_alpha_matches_the_kendall_definition(rows):
    expected = defined_alpha(rows, kendall)

    chosen, general = both_alphas(question("ranking", options=OPTIONS), rows, "kendall")

    assert same(expected, chosen) and same(expected, general)
