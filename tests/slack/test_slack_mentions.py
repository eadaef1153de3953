"""Nothing the bot posts on Slack can ping anyone: user text is escaped in every field Slack parses.

Mentions, broadcasts, channel links, dates and links ride in every place a person controls — the
batch's name, title, instructions and project, the excerpt, question prompts, help and options,
answers, a review's reason, a writer's name, a command's argument — through the real app; then
everything the fake Slack received is searched for a `<` outside the fields Slack never parses.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from tests.batches import jsonl
from tests.slack.conftest import COORDINATOR, REVIEW_CHANNEL, REVIEWER, WRITER
from tests.slack.test_slack_writer import control_ids, open_modal, press
from tests.slack_driver import Workspace, buttons
from tests.slack_fake import payloads

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U024BE7LH>",
    "<#C0REVIEWS>",
    "<!subteam^SAZ94GDB8>",
    "<!date^1392734382^{date_num}|Feb 18>",
    "<http://x.example|click>",
]
# Fields Slack stores or routes but never parses as text (ids, values, a draft shown in its input).
NOT_PARSED = {
    "action_id",
    "block_id",
    "callback_id",
    "value",
    "private_metadata",
    "initial_value",
    "filename",
    "response_url",
    "trigger_id",
    "metadata",
}


# The bot's own time token (its lease times, in each reader's zone): a date, never a mention.
BOT_DATE = re.compile(r"<!date\^[0-9]+\^\{date_short_pretty\} \{time\}\|[^<>|]*>")


def unescaped(obj: Any, path: str = "") -> list[str]:
    """Where a `<` reaches a field Slack parses."""
    if isinstance(obj, dict):
        return [
            found
            for key, value in obj.items()
            if key not in NOT_PARSED
            for found in unescaped(value, f"{path}.{key}")
        ]
    if isinstance(obj, list):
        return [found for i, value in enumerate(obj) for found in unescaped(value, f"{path}[{i}]")]
    if isinstance(obj, str) and "<" in BOT_DATE.sub("", obj):
        return [f"{path}: {obj[:120]!r}"]
    return []


def hostile_batch(token: str) -> bytes:
    words = f"{token} & {token}"
    settings = {
        "project": {"name": f"Project {token}", "terms": f"Terms {words}"},
        "name": f"batch {token}"[:80],
        "title": f"Title {words}",
        "instructions": f"Instructions {words}",
        "template": "custom",
        "pay_cents": 40,
        "review_rate": 1.0,
        "questions": [
            {
                "id": "tone",
                "kind": "label",
                "prompt": f"Tone {words}",
                "help": f"Help {words}",
                "options": [f"{token} one", f"{token} two"],
            },
            {
                "id": "tags",
                "kind": "labels",
                "prompt": f"Tags {words}",
                "options": [f"{token} tag {n}" for n in range(12)],
            },
            {
                "id": "pace",
                "kind": "rating",
                "prompt": f"Pace {words}",
                "min_label": f"slow {token}"[:40],
                "max_label": f"fast {token}"[:40],
            },
            {
                "id": "order",
                "kind": "ranking",
                "prompt": f"Order {words}",
                "options": [f"{token} first", f"{token} second"],
            },
            {"id": "note", "kind": "text", "prompt": f"Note {words}", "max_chars": 400},
        ],
    }
    task = {"id": "h-1", "payload": {"excerpt": f"A: {words}\nB: > quoted {token}"}}
    return jsonl(settings, [task])


async def as_named(ws: Workspace, user: str, name: str, slash: str, text: str) -> None:
    """A slash command from a person whose display name is hostile too."""
    url = ws.fake.issue_response_url(user, "C0WRITERS")
    body = dict(
        token="t",
        team_id="T0TASKBOT",
        channel_id="C0WRITERS",
        user_id=user,
        user_name=name,
        command=slash,
        text=text,
        response_url=url,
        trigger_id=payloads.trigger_id(),
    )
    status, _ = await ws.send(urlencode(body))
    assert status == 200


@pytest.mark.parametrize("token", HOSTILE)
async def test_nothing_the_bot_sends_can_mention_anyone(workspace, slack_app, token):
    ws, fake = workspace, workspace.fake
    answers: list[dict] = []

    # A coordinator imports the batch through Slack
    shared = fake.share_file("hostile.jsonl", hostile_batch(token))
    await ws.command(COORDINATOR, "/batch", f"import {fake.link(shared)}", channel="C0COORDS")
    await ws.wait_for(lambda: ws.visible_to(COORDINATOR), "the import's answer")
    assert "Imported batch 1" in json.dumps(ws.visible_to(COORDINATOR)[0].blocks)

    # A writer with a hostile name claims, accepts the terms, answers on the card and in the modal
    await as_named(ws, WRITER, f"rita {token}", "/task", "")
    card = await ws.new_card(WRITER, 0)
    terms = control_ids(card, "terms:")
    if terms:
        version = card.version
        await ws.click(WRITER, card, terms[0])
        await ws.updated(card, version)
    assignment = control_ids(card, "submit:")[0].split(":")[1]
    await press(ws, card, f"ans:{assignment}:tone:0")
    await press(ws, card, f"ans:{assignment}:tags", "0", "1")
    await press(ws, card, f"ans:{assignment}:pace:3")
    view = await open_modal(ws, card)
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    values: dict[str, Any] = {}
    for block in inputs:
        if block["element"]["type"] == "static_select":
            values[block["block_id"]] = str(int(block["block_id"].rsplit(".", 1)[1]) - 1)
        else:
            values[block["block_id"]] = f"My note {token} & {token}"
    version = card.version
    answers.append(await ws.submit(WRITER, view, values))
    await ws.updated(card, version)
    await as_named(ws, WRITER, f"rita {token}", "/task", token)  # a hostile argument
    await as_named(ws, WRITER, f"rita {token}", "/earnings", token)

    # The sample reaches the review channel; the reviewer rejects with a hostile reason
    assert await Jobs(slack_app.bot.ctx, ScheduleConfig()).run_qa_sample() == 1
    (review,) = ws.channel(REVIEW_CHANNEL)
    await ws.react(REVIEWER, review, "x")
    ask = await ws.new_card(REVIEWER, 0)
    assert buttons(ask) == ["Give a reason…"]
    views = len(fake.views)
    await ws.click(REVIEWER, ask, control_ids(ask, "reject:")[0])
    await ws.wait_for(lambda: len(fake.views) > views, "the reason modal")
    answers.append(await ws.submit(REVIEWER, fake.views[-1], {"reason": f"No {token} & {token}"}))
    await ws.wait_for(lambda: "Rejected" in json.dumps(ask.blocks), "the verdict")

    # The coordinator lists, inspects, exports and tallies
    for text in ("list", "status 1", "export 1 csv", f"pause {token}"):
        await ws.command(COORDINATOR, "/batch", text, channel="C0COORDS")
    await ws.command(COORDINATOR, "/tally", "week", channel="C0COORDS")
    await ws.command(COORDINATOR, f"/frobnicate{re.sub(r'[^a-z]', '', token)[:5]}", token)
    await ws.wait_for(
        lambda: any(u.get("completed") for u in fake.uploads) and ws.channel("C0COORDS"),
        "the export and the tally",
    )

    # Then the hostile text arrived everywhere, and nowhere as markup
    sent = json.dumps([args for _, args in fake.calls])
    assert "&lt;" + token.lstrip("<")[:4] in sent  # it arrived, escaped
    problems = [found for name, args in fake.calls for found in unescaped(args, name)]
    problems += [found for answer in answers for found in unescaped(answer, "view answer")]
    assert problems == []
