"""Bolt routes the body the app parsed and checked itself: nothing on the way to an ack is
parsed twice, and a command's text cannot change how the body is read."""

from __future__ import annotations

import json

from tests.batches import tone_batch
from tests.slack.conftest import COORDINATOR, WRITER


async def test_a_command_whose_text_says_payload_is_answered_like_any_other(workspace):
    # given a bank with one batch
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    # when a writer asks for tasks from a batch named "payload" (a word bolt's own body parser
    # takes for an interactivity payload, reading the command as an empty body)
    status, _ = await workspace.command(WRITER, "/task", "payload")
    # then the command is acknowledged and the writer is told there is no such batch
    assert status == 200
    (note,) = await workspace.wait_for(lambda: workspace.visible_to(WRITER), "the writer's note")
    assert "payload" in json.dumps(note.blocks)


async def test_a_batch_import_of_a_file_named_payload_gets_the_import_help(workspace):
    # given a coordinator typing a file's name where its link belongs
    status, _ = await workspace.command(COORDINATOR, "/batch", "import payload.jsonl")
    # then it is acknowledged and answered with how to attach a file
    assert status == 200
    (answer,) = await workspace.wait_for(lambda: workspace.visible_to(COORDINATOR), "an answer")
    assert "Attach a file" in json.dumps(answer.blocks)
