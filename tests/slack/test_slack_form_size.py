"""The largest answer form an import accepts fits one Slack modal (100 blocks), errors beside
every input included, and is answered whole; one place more is refused at import."""

from __future__ import annotations

import pytest

from adapters.slack import blocks
from bot import render
from taskbank.errors import ValidationFailed
from taskbank.templates import MAX_FORM_PLACES
from tests import bank_reads as reads
from tests.batches import header, jsonl
from tests.slack.conftest import WRITER
from tests.slack.test_slack_writer import claim, open_modal


def rankings(places: int) -> bytes:
    """Rankings of 25 options (and one of the rest) plus one text answer: `places` in all."""
    sizes = [25] * ((places - 1) // 25) + ([(places - 1) % 25] if (places - 1) % 25 else [])
    questions = [
        {
            "id": f"rank{i}",
            "kind": "ranking",
            "prompt": f"Rank the endings ({i})",
            "options": [f"Ending {n}" for n in range(size)],
        }
        for i, size in enumerate(sizes)
    ] + [{"id": "why", "kind": "text", "prompt": "Why that order?"}]
    settings = header(template="custom", payload_fields={"excerpt": "text"}, questions=questions)
    return jsonl(settings, [{"id": "t1", "payload": {"excerpt": "A scene."}}])


async def test_the_largest_form_fits_one_modal_and_is_answered_whole(workspace, slack_bank):
    await slack_bank.import_batch(rankings(MAX_FORM_PLACES), filename="r.jsonl")
    card = await claim(workspace)
    view = await open_modal(workspace, card)
    inputs = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert len(inputs) == MAX_FORM_PLACES and len(view["blocks"]) <= 100
    claimed = await slack_bank.claimed(1)
    every_error = {i: "fix this" for i in inputs}
    shown = blocks.modal(render.answer_form(claimed, {}, every_error), {})
    assert len([b for b in shown["blocks"] if b["type"] == "input"]) == MAX_FORM_PLACES
    values = {i: "Because." if i == "why" else str(int(i.split(".")[1]) - 1) for i in inputs}
    answer = await workspace.submit(WRITER, view, values)
    assert answer.get("response_action") != "errors", answer
    assert await reads.submission_count(slack_bank) == 1
    saved = await reads.answers(slack_bank)
    assert saved["rank0"] == [f"Ending {n}" for n in range(25)] and saved["why"] == "Because."


async def test_one_place_more_is_refused_at_import(slack_bank):
    with pytest.raises(ValidationFailed) as raised:
        await slack_bank.import_batch(rankings(MAX_FORM_PLACES + 1), filename="r.jsonl")
    (problem,) = raised.value.problems
    assert problem.field == "questions" and "41 places" in problem.message
    assert await slack_bank.list_batches() == []
