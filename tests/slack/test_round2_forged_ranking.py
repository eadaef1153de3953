"""Slack, end to end through slack-bolt: a modal submitted with a ranked place the menu never
offered is refused naming the place, and the saved draft keeps its places."""

from __future__ import annotations

import json

from taskbank.sample_bank import sample_files
from tests import bank_reads as reads
from tests.slack.conftest import WRITER
from tests.slack.test_slack_writer import claim, modal_answers, open_modal
from tests.slack_fake import payloads


def forged_state(view: dict, values: dict[str, object], forged: dict[str, str]) -> dict:
    """The modal's input state as Slack would send it, a select's place given any value."""
    state: dict = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        if element["type"] == "static_select":
            value = forged.get(block_id, values[block_id])
            option = next((o for o in element["options"] if o["value"] == value), None)
            option = option or {"text": {"type": "plain_text", "text": "Forged"}, "value": value}
            entry = {"type": "static_select", "selected_option": option}
        else:
            entry = {"type": element["type"], "value": values[block_id]}
        state[block_id] = {element["action_id"]: entry}
    return state


async def test_a_modal_with_a_forged_ranking_place_is_refused_naming_it(workspace, slack_bank):
    # given a writer with a ranking modal open and a draft of two places
    endings = next(s for s in sample_files() if "endings" in s.name)
    await slack_bank.import_batch(endings.read_bytes(), filename=endings.name)
    card = await claim(workspace)
    best = (await slack_bank.claimed(1)).task.payload["endings"][0]
    await slack_bank.save_draft(1, f"slack:{WRITER}", {"ranking": [best]})
    view = await open_modal(workspace, card)
    seen = len(workspace.visible_to(WRITER))
    # when the modal comes back with a second place Slack never offered
    state = forged_state(view, modal_answers(view), {"ranking.2": "99"})
    status, answer = await workspace.send(
        payloads.interactive(payloads.view_submission(WRITER, view, state))
    )
    assert status == 200
    # then the modal stays open with the place named beside the ranking; nothing is stored
    errors = json.loads(answer)
    assert errors["response_action"] == "errors"
    assert errors["errors"]["ranking.1"].startswith("2nd place: '99' is not one of the options")
    assert workspace.visible_to(WRITER)[seen:] == []
    assert await reads.submission_count(slack_bank) == 0
    assert await slack_bank.draft(1) == {"ranking": [best]}
