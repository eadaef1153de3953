"""Slack interactions at their edges, through the real bolt app: an optional input left empty
(`value: null`), a scale point the card never offered, a modal's metadata naming another
writer's card, a dismissed modal."""

from __future__ import annotations

import asyncio
import json

from taskbank.sample_bank import sample_files
from tests.batches import tone_batch
from tests.slack.conftest import OTHER_WRITER, WRITER
from tests.slack.test_slack_writer import REWRITE, control_ids, open_modal
from tests.slack.test_slack_writer import claim as s_claim
from tests.slack_driver import find_element, text_of
from tests.slack_fake import payloads


# 1 -- Slack: an optional text input left empty (Slack sends "value": null) gets HTTP 400
async def test_slack_optional_text_left_empty_is_accepted(workspace, slack_bank):
    sample = next(s for s in sample_files() if "bias" in s.name)
    await slack_bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await s_claim(workspace)
    view = await open_modal(workspace, card)
    (block,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert block["optional"] is True
    state = {
        block["block_id"]: {
            block["element"]["action_id"]: {"type": "plain_text_input", "value": None}
        }
    }
    status, body = await workspace.send(
        payloads.interactive(payloads.view_submission(WRITER, view, state))
    )
    assert status == 200, body  # today: 400 {"error": "expected text in value"}


# 2b -- Slack: the same, through block_actions
async def test_slack_scale_point_not_offered_is_refused(workspace, slack_bank):
    await slack_bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await s_claim(workspace)
    aid = control_ids(card, "submit:")[0].split(":")[1]
    block_id, button = find_element(card, f"ans:{aid}:pacing:3")
    action = {
        "action_id": f"ans:{aid}:pacing:99",
        "block_id": block_id,
        "type": "button",
        "text": button["text"],
        "value": button.get("value", ""),
        "action_ts": "1.0",
    }
    url = workspace.fake.issue_response_url(WRITER, card.channel, card.ts)
    body = payloads.block_actions(WRITER, card.channel, card.ts, action, url, ephemeral=True)
    seen, version = len(workspace.visible_to(WRITER)), card.version
    assert (await workspace.send(payloads.interactive(body)))[0] == 200
    told = await workspace.wait_for(
        lambda: workspace.visible_to(WRITER)[seen:] or card.version != version, "an answer"
    )
    shown = text_of(told[-1]) if isinstance(told, list) else text_of(card)
    assert "99 is off the scale; expected a whole number from 1 to 5" in shown, shown
    assert await slack_bank.draft(int(aid)) == {}  # today: {'pacing': 99}


# 5 -- Slack: private_metadata naming another writer's card: that card is overwritten
async def test_slack_modal_metadata_of_another_writers_card_is_not_followed(workspace, slack_bank):
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await slack_bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await s_claim(workspace)
    other = await s_claim(workspace, OTHER_WRITER)
    view = dict(await open_modal(workspace, card))
    url = workspace.fake.issue_response_url(OTHER_WRITER, other.channel, other.ts)
    view["private_metadata"] = json.dumps({"c": other.channel, "m": other.ts, "r": url, "e": 1})
    (block,) = [b for b in view["blocks"] if b["type"] == "input"]
    state = {
        block["block_id"]: {
            block["element"]["action_id"]: {"type": "plain_text_input", "value": REWRITE}
        }
    }
    version = other.version
    await workspace.send(payloads.interactive(payloads.view_submission(WRITER, view, state)))
    await asyncio.sleep(1)
    assert other.version == version, text_of(other)  # today: Sam's card shows Rita's answer


# 6 -- Slack: view_closed is refused with 400 instead of acknowledged
async def test_slack_view_closed_is_acknowledged(workspace):
    body = {
        "type": "view_closed",
        "team": payloads.TEAM,
        "user": payloads.user(WRITER),
        "api_app_id": payloads.APP_ID,
        "token": "x",
        "is_cleared": False,
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "answer:1",
            "private_metadata": "{}",
            "state": {"values": {}},
        },
    }
    status, text = await workspace.send(payloads.interactive(body))
    assert status == 200, text  # today: 400 "payload has type 'view_closed'; expected one of …"
