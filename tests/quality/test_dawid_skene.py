"""Taskbot's Dawid–Skene loop against crowd-kit's DawidSkene on the same answers (recorded by
crowdkit_reference.py, since crowd-kit is too heavy to be a dependency)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from taskbank.quality.dawid_skene import dawid_skene, majority_shares
from tests.quality.crowdkit_reference import GOLD, LABELS, answers

REFERENCE = json.loads(Path(__file__).with_name("crowdkit_dawid_skene.json").read_text())


def fit(known: dict[int, str] | None = None):  # type: ignore[no-untyped-def]
    rows = answers()
    writers = sorted({w for _, w, _ in rows})
    task = np.array([t for t, _, _ in rows])
    writer = np.array([writers.index(w) for _, w, _ in rows])
    label = np.array([LABELS.index(x) for _, _, x in rows])
    fixed = None if known is None else {t: LABELS.index(x) for t, x in known.items()}
    return dawid_skene(task, writer, label, tasks=40, writers=len(writers), classes=3, known=fixed)


@pytest.mark.parametrize("case", ["plain", "with_gold"])
def test_posteriors_match_crowd_kit(case):
    reference = REFERENCE[case]
    result = fit(GOLD if case == "with_gold" else None)

    columns = [LABELS.index(name) for name in reference["labels"]]
    for task, expected in reference["posteriors"].items():
        np.testing.assert_allclose(result.posteriors[int(task), columns], expected, atol=1e-6)
    assert result.iterations == reference["iterations"]


def test_the_careful_writer_gets_the_sharper_confusion_matrix():
    result = fit()

    diagonal = [float(np.trace(result.confusions[w]) / 3) for w in range(5)]
    assert diagonal[0] > diagonal[4]  # w1 answers right 90% of the time, w5 35%


def test_majority_shares_are_each_tasks_vote_counts_over_its_answers():
    # task 0: a, a, b; task 1: c
    shares = majority_shares(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 2]), 2, 3)

    np.testing.assert_allclose(shares, [[2 / 3, 1 / 3, 0], [0, 0, 1]])
