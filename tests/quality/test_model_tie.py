"""A task whose model posterior is split evenly between two answers is tied — no clear consensus —
whatever `min_confidence` is, as a tied vote is: the README's rule is "tied, or less sure than
min_confidence", and an even split must not be settled by which answer the batch saw first."""

from __future__ import annotations

import json

import pytest

from taskbank.quality.answers import AnswerTable, StoredAnswers
from taskbank.quality.consensus import batch_consensus
from taskbank.questions import QUESTION_LIST

LABEL = QUESTION_LIST.validate_python(
    [{"id": "tone", "kind": "label", "prompt": "Tone", "options": ["warm", "cold", "flat"]}]
)[0]


def table(rows: list[tuple[int, str, str]]) -> AnswerTable:
    submissions = [(task, writer, -1, json.dumps(value)) for task, writer, value in sorted(rows)]
    return AnswerTable(StoredAnswers(["tone"], submissions), [LABEL])


@pytest.mark.parametrize("method", ["model", "vote"])
@pytest.mark.parametrize("floor", [0.0, 0.5])
def test_two_writers_split_evenly_need_adjudication_by_either_method(method, floor):
    # Symmetric: each writer says warm once and cold once, so nothing tells them apart.
    answers = table([(1, "x", "warm"), (1, "y", "cold"), (2, "x", "cold"), (2, "y", "warm")])

    consensus = batch_consensus(
        answers, {}, min_confidence=floor, method=method, external_ids=["u-1", "u-2"]
    )

    assert consensus.tasks_without_consensus() == [1, 2]


def test_a_clear_model_majority_is_not_called_a_tie():
    rows = [(t, w, "warm") for t in (1, 2, 3) for w in ("x", "y", "z")]
    rows += [(4, "x", "warm"), (4, "y", "warm"), (4, "z", "cold")]

    consensus = batch_consensus(
        table(rows), {}, min_confidence=0.0, method="model", external_ids=["1", "2", "3", "4"]
    )

    assert consensus.tasks_without_consensus() == []
