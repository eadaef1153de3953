"""A batch's quality figures from answers stored through the bank: consensus by vote and by model,
tasks needing adjudication, per-writer gold accuracy, agreement and approval, and the consensus
export. Three writers answer four tasks; the expected figures are worked out by hand below."""

from __future__ import annotations

import csv
import io
import json

import krippendorff
import numpy as np
import pytest

from taskbank.models import Verdict
from taskbank.quality.distances import set_matrix
from tests.quality.conftest import answer_in_order, batch_file

QUESTIONS = [
    {"id": "tone", "kind": "label", "prompt": "Tone", "options": ["calm", "tense", "warm"]},
    {"id": "genre", "kind": "labels", "prompt": "Genre", "options": ["noir", "comedy", "drama"]},
    {"id": "order", "kind": "ranking", "prompt": "Best first", "options_from": "items"},
    {"id": "note", "kind": "text", "prompt": "Why", "required": False},
]
TONES = {  # task by task
    "A": ["tense", "calm", "calm", "calm"],
    "B": ["tense", "tense", "calm", "calm"],
    "C": ["warm", "warm", "calm", "tense"],  # task 4's gold is calm
}
GENRES = {"A": [["noir"]], "B": [["noir", "drama"]], "C": [["noir"]]}  # then all comedy
ORDERS = {"A": ["a", "b", "c"], "B": ["a", "b", "c"], "C": ["c", "b", "a"]}  # task 1; then a b c


def answers_of(writer: str) -> list[dict[str, object]]:
    found = []
    for task in range(4):
        found.append(
            {
                "tone": TONES[writer][task],
                "genre": GENRES[writer][0] if task == 0 else ["comedy"],
                "order": ORDERS[writer] if task == 0 else ["a", "b", "c"],
                "note": f"{writer} on task {task + 1}",
            }
        )
    return found


@pytest.fixture
async def batch_id(bank):  # type: ignore[no-untyped-def]
    batch = await bank.import_batch(
        batch_file(QUESTIONS, 4, overlap=3, gold={4: {"tone": "calm"}}), filename="q.jsonl"
    )
    for writer in TONES:
        await answer_in_order(bank, batch.id, writer, answers_of(writer))
    return batch.id


async def by_external_id(bank, batch_id, **options):  # type: ignore[no-untyped-def]
    consensus = await bank.batch_consensus(batch_id, **options)
    return {row.external_id: row for row in consensus.rows()}


async def test_majority_vote_answers_and_flags_the_tie(bank, batch_id):
    rows = await by_external_id(bank, batch_id, method="vote")

    assert rows["u-01"].answer["tone"] == "tense"
    assert rows["u-01"].confidence["tone"] == pytest.approx(2 / 3, abs=1e-4)
    assert rows["u-01"].answer["genre"] == ["noir"]  # noir 3 of 3, drama 1 of 3
    assert rows["u-01"].answer["order"] == ["a", "b", "c"]  # mean places a ⅔, b 1, c 1⅓
    assert rows["u-01"].method == {"tone": "vote", "genre": "vote", "order": "vote"}
    assert [e for e, row in rows.items() if row.needs_adjudication] == ["u-02"]  # 1–1–1


async def test_tasks_without_consensus_name_the_tied_task(bank, batch_id):
    rows = await by_external_id(bank, batch_id, method="vote")

    assert await bank.tasks_without_consensus(batch_id, method="vote") == [rows["u-02"].task_id]


async def test_the_model_agrees_with_the_clear_votes(bank, batch_id):
    rows = await by_external_id(bank, batch_id)

    assert rows["u-01"].method["tone"] == "model"
    assert [rows[e].answer["tone"] for e in ("u-01", "u-03", "u-04")] == ["tense", "calm", "calm"]
    assert rows["u-04"].confidence["tone"] == pytest.approx(1.0)  # gold is held as known


async def test_per_writer_gold_accuracy_agreement_and_approval(bank, batch_id):
    first = {}
    for writer in ("A", "C"):
        mine = [
            s for s in await bank.store.unsampled_submissions(batch_id) if s.writer_id == writer
        ]
        first[writer] = min(mine, key=lambda s: s.task_id).id
    await bank.record_review(first["A"], "R", Verdict.APPROVED)
    await bank.record_review(first["C"], "R", Verdict.REJECTED, "off-tone")

    writers = {w.writer_id: w for w in (await bank.batch_quality(batch_id, resamples=0)).writers}

    assert (writers["A"].gold_correct, writers["A"].gold_answers) == (1, 1)
    assert (writers["C"].gold_correct, writers["C"].gold_answers) == (0, 1)
    assert (writers["A"].approval_rate, writers["A"].reviewed) == (1.0, 1)
    assert (writers["C"].approval_rate, writers["B"].approval_rate) == (0.0, None)
    # A's 24 pairings: tone 4 agree of 8; genre ½ + 1 + 6; order 1 + 0 + 6.
    assert writers["A"].pairings == 24
    assert writers["A"].agreement == pytest.approx((4 + 7.5 + 7) / 24)


async def test_agreement_for_labels_sets_and_rankings_and_text(bank, batch_id):
    quality = await bank.batch_quality(batch_id, resamples=100)
    figures = {q.question_id: q for q in quality.questions}

    tone = np.array([[["calm", "tense", "warm"].index(t) for t in TONES[w]] for w in TONES])
    assert figures["tone"].alpha == pytest.approx(
        krippendorff.alpha(tone, level_of_measurement="nominal")
    )
    # ordered pairs that agree: task 1 two, task 2 none, task 3 six, task 4 two; of 24
    assert figures["tone"].observed == pytest.approx(10 / 24)
    assert figures["genre"].level == "masi"
    assert (figures["order"].level, figures["order"].units) == ("kendall", 4)
    assert figures["note"].alpha is None and 0 < figures["note"].similarity < 1


async def test_genre_alpha_is_masi_alpha(bank, batch_id):
    values = [("comedy",), ("noir",), ("drama", "noir")]
    matrix = set_matrix(values, "masi")
    coded = {v: i for i, v in enumerate(values)}
    data = np.array(
        [[coded[tuple(sorted(a["genre"]))] for a in answers_of(w)] for w in TONES], dtype=float
    )

    def metric(v1, v2, i1, i2, n_v, dtype=np.float64):  # type: ignore[no-untyped-def]
        return matrix[i1, i2]

    figures = {q.question_id: q for q in (await bank.batch_quality(batch_id)).questions}

    expected = krippendorff.alpha(data, level_of_measurement=metric, value_domain=[0, 1, 2])
    assert figures["genre"].alpha == pytest.approx(expected)


async def test_consensus_export_rows_one_per_task(bank, batch_id):
    out = io.StringIO()

    count = await bank.export_consensus(batch_id, out, "csv", method="vote")

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) == 4
    first = rows[0]
    assert (first["task_external_id"], first["consensus.tone"], first["method.tone"]) == (
        "u-01",
        "tense",
        "vote",
    )
    assert first["consensus.genre"] == "noir"
    assert [r["needs_adjudication"] for r in rows] == ["false", "true", "false", "false"]


async def test_an_adjudicated_answer_replaces_the_aggregate(bank, batch_id):
    rows = await by_external_id(bank, batch_id, method="vote")
    out = io.StringIO()

    await bank.export_consensus(
        batch_id, out, adjudicated={rows["u-02"].task_id: {"tone": "warm"}}, method="vote"
    )

    second = json.loads(out.getvalue().splitlines()[1])
    assert second["consensus"]["tone"] == "warm"
    assert second["method"]["tone"] == "adjudicated"
    assert second["needs_adjudication"] is False


async def test_a_task_a_reviewer_adjudicated_is_settled_in_figures_and_export(bank, batch_id):
    rows = await by_external_id(bank, batch_id, method="vote")
    tied = rows["u-02"].task_id
    answers = [s for s in await bank.store.task_answers(tied) if s.writer_id == "C"]
    await bank.adjudicate(tied, "R", answers[0].id)  # C's "warm" stands
    out = io.StringIO()

    still_open = await bank.tasks_without_consensus(batch_id, method="vote")
    await bank.export_consensus(batch_id, out, method="vote")

    assert tied not in still_open
    second = json.loads(out.getvalue().splitlines()[1])
    assert (second["consensus"]["tone"], second["method"]["tone"]) == ("warm", "adjudicated")
