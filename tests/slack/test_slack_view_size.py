"""The largest form an import accepts opens as one Slack modal in the worst case (every text
Japanese or emoji, a draft as large as is kept): Slack refuses a view over 250 kB
(`view_too_large`), so the modal shortens its texts until it fits, and the app takes the
view_submission Slack sends back for it (the view again, and every answer)."""

from __future__ import annotations

import json

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from taskbank.questions.base import MAX_DRAFT_BYTES
from tests import bank_reads as reads
from tests.batches import header, jsonl
from tests.slack.conftest import WRITER
from tests.slack.test_slack_writer import claim, open_modal
from tests.slack_fake import BOT_TOKEN, payloads

VIEW_BYTES = 250_000  # Slack: view_too_large, "if the provided view is greater than 250kb"
ALPHABETS = {"japanese": "結", "emoji": "🎬"}


def modal_view(letters: int) -> dict:
    blocks_ = [{"type": "section", "text": {"type": "mrkdwn", "text": "é" * letters}}] * 100
    return {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": blocks_}


async def test_the_fake_refuses_a_view_over_250_kb_as_sent(fake_slack):
    # slack_sdk's own session sends JSON with \u escapes: 1,000 "é" are 6,000 bytes a block
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    view = modal_view(1000)
    assert len(json.dumps(view, ensure_ascii=False).encode()) < VIEW_BYTES
    with pytest.raises(SlackApiError) as refused:
        await client.views_open(trigger_id="t", view=view)
    assert refused.value.response["error"] == "view_too_large"
    fitting = {**view, "blocks": view["blocks"][:20]}
    assert (await client.views_open(trigger_id="t", view=fitting))["ok"]


def largest_form(letter: str, max_chars: int = 3000) -> bytes:
    """Forty places over ten questions, every text as long as an import takes: rankings of 25
    and 7 options with labels as long as a Slack option shows, eight 3,000-character text
    answers; prompts of 300 characters and help of 1,000, and a 10,000-character excerpt."""
    prompt, help_text, label = letter * 300, letter * 1000, letter * 70
    rankings = [
        {
            "id": f"rank{i}",
            "kind": "ranking",
            "prompt": prompt,
            "help": help_text,
            "options": [f"{n} {label}" for n in range(size)],
        }
        for i, size in enumerate((25, 7))
    ]
    texts = [
        {
            "id": f"why{i}",
            "kind": "text",
            "prompt": prompt,
            "help": help_text,
            "max_chars": max_chars,
        }
        for i in range(8)
    ]
    settings = header(
        template="custom", payload_fields={"excerpt": "text"}, questions=rankings + texts
    )
    return jsonl(settings, [{"id": "t1", "payload": {"excerpt": letter * 10_000}}])


async def largest_draft(bank, letter: str) -> dict:
    """Both rankings in full and the text answers as long as a kept draft allows."""
    claimed = await bank.claimed(1)
    payload = claimed.task.payload
    draft = {
        q.id: q.resolve_options(payload) for q in claimed.batch.questions if q.kind == "ranking"
    }
    room = MAX_DRAFT_BYTES - len(json.dumps(draft, ensure_ascii=False).encode()) - 8 * 20
    per_answer = min(3000, room // 8 // len(letter.encode()))
    draft |= {f"why{i}": letter * per_answer for i in range(8)}
    await bank.save_draft(claimed.assignment.id, f"slack:{WRITER}", draft)
    return draft


@pytest.mark.parametrize("alphabet", ALPHABETS, ids=str)
async def test_the_largest_form_opens_in_one_view_and_its_answer_is_taken(workspace, alphabet):
    # Given the largest form an import accepts, in a script of many bytes a character
    letter = ALPHABETS[alphabet]
    await workspace.bank.import_batch(largest_form(letter), filename="big.jsonl")
    card = await claim(workspace)
    draft = await largest_draft(workspace.bank, letter)

    # When the writer opens it, their draft filled in
    view = await open_modal(workspace, card)

    # Then Slack took the view: under 250 kB as sent, every place there, the draft kept
    assert workspace.fake.sent_view_bytes <= VIEW_BYTES
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert len(inputs) == 40
    assert inputs["why0"]["initial_value"] == draft["why0"]
    shown = [o["text"]["text"] for o in inputs["rank0.1"]["options"]]
    assert len(set(shown)) == 25  # options cut shorter stay told apart

    # And its answer, as large as a kept answer may be, is taken
    answers = {
        key: str(int(key.split(".")[1]) - 1) if key.startswith("rank") else draft[key]
        for key in inputs
    }
    reply = await workspace.submit(WRITER, view, answers)
    assert reply.get("response_action") != "errors", reply
    assert await reads.submission_count(workspace.bank) == 1


def submission_state(view: dict, letter: str) -> dict:
    """state.values for every input: each ranking's places in order, text answers in `letter`."""
    state = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        if element["type"] == "plain_text_input":
            entry = {"type": element["type"], "value": letter * 1500}
        else:
            place = int(block["block_id"].split(".")[1]) - 1
            entry = {"type": element["type"], "selected_option": element["options"][place]}
        state[block["block_id"]] = {element["action_id"]: entry}
    return state


async def test_the_submission_of_a_view_at_slacks_limit_is_taken(workspace):
    # Given the largest form opened, and grown (as another form's text could be) to 250 kB of
    # emoji: Slack sends it back \u-escaped and form-encoded, 16 bytes an emoji
    letter = ALPHABETS["emoji"]
    await workspace.bank.import_batch(largest_form(letter), filename="big.jsonl")
    card = await claim(workspace)
    view = await open_modal(workspace, card)
    grown = {**view, "blocks": list(view["blocks"])}
    while len(grown["blocks"]) < 100 and blocks.view_bytes(grown) < VIEW_BYTES - 100:
        room = (VIEW_BYTES - 100 - blocks.view_bytes(grown)) // len(letter.encode())
        text = {"type": "mrkdwn", "text": letter * min(3000, room), "verbatim": True}
        grown["blocks"].insert(0, {"type": "section", "text": text})
    body = payloads.interactive(
        payloads.view_submission(WRITER, grown, submission_state(grown, letter))
    )
    assert blocks.view_bytes(grown) <= VIEW_BYTES and len(body) > 1024 * 1024

    # When Slack posts it, Then the app takes it (aiohttp's default cap, 1 MiB, answers 413)
    status, text = await workspace.send(body)
    assert status == 200, text
    assert await reads.submission_count(workspace.bank) == 1


async def test_text_with_a_lone_surrogate_still_reaches_slack(fake_slack, slack_app):
    # Given text holding a lone surrogate (JSON from Slack may carry one, `\ud800`), which has no
    # UTF-8: the app's compact UTF-8 JSON cannot encode it
    text = "before \ud800 after"
    await slack_app.open()
    try:
        # When the app posts it through its Web API session
        await slack_app.client.chat_postMessage(channel="C0REVIEWS", text=text)
    finally:
        await slack_app.close()
    # Then the call went out (\u-escaped) and Slack read the same text
    assert fake_slack.called("chat.postMessage")[-1]["text"] == text
    assert json.loads(blocks.wire_json({"t": text})) == {"t": text}


async def test_a_shortened_modal_still_says_where_slack_takes_fewer_characters(workspace):
    # Given the largest form in emoji, its text questions allowing more than a Slack text input
    # takes (4,000 characters, the default), so the modal must be shortened to fit
    await workspace.bank.import_batch(largest_form("🎬", max_chars=4000), filename="big.jsonl")
    card = await claim(workspace)

    # When the writer opens it
    view = await open_modal(workspace, card)

    # Then it fits, and every text input still says Slack takes at most 3,000 characters there
    assert workspace.fake.sent_view_bytes <= VIEW_BYTES
    texts = [b for b in view["blocks"] if b["type"] == "input" and b["block_id"].startswith("why")]
    assert len(texts) == 8
    for block in texts:
        assert block["element"]["max_length"] == 3000
        assert "Slack takes at most 3,000 characters here." in block["hint"]["text"]
