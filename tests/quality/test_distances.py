"""Set and rank distances on small hand-computed cases, and the general alpha checked against the
krippendorff package: on the standard levels, and on the set and rank distances given to it as
its own distance callable."""

from __future__ import annotations

import random

import krippendorff
import numpy as np
import pytest

from taskbank.quality.alpha import alpha_of, coincidences
from taskbank.quality.distances import (
    jaccard_distance,
    kendall_distance,
    masi_distance,
    rank_matrix,
    set_matrix,
    standard_matrix,
)


@pytest.mark.parametrize(
    ("a", "b", "jaccard", "masi"),
    [
        (["noir"], ["noir"], 0.0, 0.0),
        (["noir"], ["noir", "comedy"], 1 / 2, 1 - (1 / 2) * (2 / 3)),  # subset: M = ⅔
        (["noir", "drama"], ["noir", "comedy"], 2 / 3, 1 - (1 / 3) * (1 / 3)),  # overlap: M = ⅓
        (["noir"], ["comedy"], 1.0, 1.0),  # disjoint
        ([], [], 0.0, 0.0),
    ],
)
def test_set_distances_by_hand(a, b, jaccard, masi):
    assert jaccard_distance(a, b) == pytest.approx(jaccard)
    assert masi_distance(a, b) == pytest.approx(masi)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("abc", "abc", 0.0),
        ("abc", "cba", 1.0),  # every one of the 3 pairs flipped
        ("abc", "bac", 1 / 3),  # only (a, b) flipped
        ("abcd", "badc", 2 / 6),  # (a, b) and (c, d) of 6 pairs
        ("abcd", "dabc", 3 / 6),  # d moved from last to first passes 3 items
    ],
)
def test_kendall_distance_by_hand(a, b, distance):
    assert kendall_distance(list(a), list(b)) == pytest.approx(distance)


def test_matrices_agree_with_the_pairwise_functions():
    sets = [(), ("a",), ("a", "b"), ("b", "c"), ("c",)]
    ranks = [tuple(p) for p in ("abc", "acb", "bac", "cba")]

    masi = set_matrix(sets, "masi")
    jaccard = set_matrix(sets, "jaccard")
    kendall = rank_matrix(ranks)

    for i, a in enumerate(sets):
        for j, b in enumerate(sets):
            assert masi[i, j] == pytest.approx(masi_distance(a, b))
            assert jaccard[i, j] == pytest.approx(jaccard_distance(a, b))
    for i, a in enumerate(ranks):
        for j, b in enumerate(ranks):
            assert kendall[i, j] == pytest.approx(kendall_distance(a, b))


def random_units(seed: int, values: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """30 units, 2–5 answers each, some missing; and the same as a coders × units array."""
    rng = random.Random(seed)
    data = np.full((5, 30), np.nan)
    for unit in range(30):
        for coder in rng.sample(range(5), rng.randint(1, 5)):
            data[coder, unit] = rng.randrange(values)
    coder, unit = np.nonzero(~np.isnan(data))
    return unit, data[coder, unit].astype(int), data


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_general_alpha_equals_the_package_on_standard_levels(level, seed):
    units, codes, data = random_units(seed, 5)
    counts = np.bincount(codes[np.bincount(units, minlength=30)[units] >= 2], minlength=5)
    matrix = standard_matrix(range(5), level, counts)

    ours = alpha_of(coincidences(units, codes, 30, matrix), matrix)

    theirs = krippendorff.alpha(data, level_of_measurement=level, value_domain=list(range(5)))
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize("domain", ["sets", "rankings"])
def test_general_alpha_equals_the_package_given_the_same_distance(domain):
    values = (
        [(), ("a",), ("a", "b"), ("b",), ("b", "c")]
        if domain == "sets"
        else [tuple(p) for p in ("abc", "acb", "bac", "bca", "cba")]
    )
    matrix = set_matrix(values, "masi") if domain == "sets" else rank_matrix(values)
    units, codes, data = random_units(9, len(values))

    def metric(v1, v2, i1, i2, n_v, dtype=np.float64):  # type: ignore[no-untyped-def]
        return matrix[i1, i2].astype(dtype)

    ours = alpha_of(coincidences(units, codes, 30, matrix), matrix)

    theirs = krippendorff.alpha(
        data, level_of_measurement=metric, value_domain=list(range(len(values)))
    )
    assert ours == pytest.approx(theirs, abs=1e-12)
