"""Distances between two answers of one question, as matrices over the distinct answers seen.

Krippendorff's alpha compares answers through a distance δ(c, k) with δ(c, c) = 0. The standard
levels (nominal, ordinal, interval, ratio) are his; the `krippendorff` package computes alpha with
them, and these matrices serve the bootstrap and the checks. Sets of labels use MASI (Passonneau
2006) or Jaccard, rankings the normalised Kendall tau distance (discordant pairs over all pairs).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

STANDARD_LEVELS = ("nominal", "ordinal", "interval", "ratio")
SET_LEVELS = ("masi", "jaccard")
RANK_LEVELS = ("kendall",)


def jaccard_distance(a: Sequence[str], b: Sequence[str]) -> float:
    """1 − |A ∩ B| / |A ∪ B| (two empty sets agree)."""
    first, second = set(a), set(b)
    union = first | second
    return 0.0 if not union else 1.0 - len(first & second) / len(union)


def masi_distance(a: Sequence[str], b: Sequence[str]) -> float:
    """1 − Jaccard × monotonicity: 1 when equal, ⅔ when one holds the other, ⅓ when they only
    overlap, 0 when disjoint (Passonneau 2006)."""
    first, second = set(a), set(b)
    if first == second:
        return 0.0
    if first <= second or second <= first:
        monotonicity = 2 / 3
    elif first & second:
        monotonicity = 1 / 3
    else:
        monotonicity = 0.0
    return 1.0 - (len(first & second) / len(first | second)) * monotonicity


def kendall_distance(a: Sequence[str], b: Sequence[str]) -> float:
    """Share of the item pairs both rankings hold that they order differently (0 same, 1 reversed)."""
    place_a = {item: place for place, item in enumerate(a)}
    place_b = {item: place for place, item in enumerate(b)}
    shared = [item for item in a if item in place_b]
    if len(shared) < 2:
        return 0.0 if list(a) == list(b) else 1.0
    pairs = discordant = 0
    for i, first in enumerate(shared):
        for second in shared[i + 1 :]:
            pairs += 1
            if (place_a[first] - place_a[second]) * (place_b[first] - place_b[second]) < 0:
                discordant += 1
    return discordant / pairs


def set_matrix(values: Sequence[Sequence[str]], level: str = "masi") -> np.ndarray:
    """The distance between every two distinct label sets, vectorised over a membership matrix."""
    items = sorted({item for value in values for item in value})
    column = {item: i for i, item in enumerate(items)}
    member = np.zeros((len(values), max(len(items), 1)))
    for row, value in enumerate(values):
        member[row, [column[item] for item in value]] = 1.0
    both = member @ member.T
    sizes = member.sum(axis=1)
    either = sizes[:, None] + sizes[None, :] - both
    jaccard = np.divide(both, either, out=np.ones_like(both), where=either > 0)
    if level == "jaccard":
        return 1.0 - jaccard
    if level != "masi":
        raise ValueError(f"unknown set distance '{level}'; expected masi or jaccard")
    equal = (both == sizes[:, None]) & (both == sizes[None, :])
    nested = (both == sizes[:, None]) | (both == sizes[None, :])
    monotonicity = np.where(equal, 1.0, np.where(nested, 2 / 3, np.where(both > 0, 1 / 3, 0.0)))
    return 1.0 - jaccard * monotonicity


def rank_matrix(values: Sequence[Sequence[str]]) -> np.ndarray:
    """Normalised Kendall tau distance between every two distinct rankings, vectorised: each
    ranking becomes the signs of its place differences over every item pair."""
    items = sorted({item for value in values for item in value})
    count = len(items)
    if count < 2:
        return np.zeros((len(values), len(values)))
    column = {item: i for i, item in enumerate(items)}
    places = np.full((len(values), count), np.nan)
    for row, value in enumerate(values):
        places[row, [column[item] for item in value]] = np.arange(len(value))
    first, second = np.triu_indices(count, k=1)
    signs = np.nan_to_num(np.sign(places[:, first] - places[:, second]))
    held = np.abs(signs)
    shared_pairs = held @ held.T
    agreeing_minus_disagreeing = signs @ signs.T
    discordant = (shared_pairs - agreeing_minus_disagreeing) / 2
    matrix = np.divide(
        discordant, shared_pairs, out=np.ones_like(shared_pairs), where=shared_pairs > 0
    )
    np.fill_diagonal(matrix, 0.0)
    return matrix


def standard_matrix(
    domain: Sequence[float], level: str, counts: np.ndarray | None = None
) -> np.ndarray:
    """Krippendorff's δ² for a numeric domain (in order); ordinal needs each value's pairable count."""
    values = np.asarray(domain, dtype=float)
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        difference = values[:, None] - values[None, :]
        return np.divide(difference, total, out=np.zeros_like(total), where=total != 0) ** 2
    if level == "ordinal":
        if counts is None:
            raise ValueError("the ordinal distance needs the count of each value")
        n = np.asarray(counts, dtype=float)
        cumulative = np.concatenate([[0.0], np.cumsum(n)])
        low = np.minimum.outer(np.arange(len(n)), np.arange(len(n)))
        high = np.maximum.outer(np.arange(len(n)), np.arange(len(n)))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (n[:, None] + n[None, :]) / 2) ** 2
    raise ValueError(f"unknown level '{level}'; expected one of {', '.join(STANDARD_LEVELS)}")
