"""Every mrkdwn text the app posts is sent `verbatim`: Slack otherwise links bare URLs and channel
names and parses bare mentions (`@here`) in text that came from a batch file or a person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from taskbank.sample_bank import sample_files
from tests.batches import header, jsonl
from tests.slack.conftest import WRITER
from tests.slack.test_slack_writer import claim, control_ids, open_modal

BARE = "@here @channel #general www.evil.example"


def mrkdwn_objects(sent: Any) -> Iterator[dict[str, Any]]:
    """Every mrkdwn text object anywhere in what was sent."""
    if isinstance(sent, dict):
        if sent.get("type") == "mrkdwn":
            yield sent
        for value in sent.values():
            yield from mrkdwn_objects(value)
    elif isinstance(sent, list):
        for value in sent:
            yield from mrkdwn_objects(value)


def everything_sent(workspace) -> list[dict[str, Any]]:
    return [*(args for _, args in workspace.fake.calls), *workspace.fake.views]


@pytest.mark.parametrize("sample", sample_files(), ids=lambda path: path.stem)
async def test_every_mrkdwn_object_sent_for_a_template_is_verbatim(workspace, sample):
    # Given a task of each built-in template, claimed, its form opened and sent back empty
    await workspace.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(workspace)
    if control_ids(card, "form:"):
        view = await open_modal(workspace, card)
        await workspace.submit(WRITER, view, {})
    # Then every mrkdwn object the app sent is verbatim
    sent = [obj for body in everything_sent(workspace) for obj in mrkdwn_objects(body)]
    assert sent and all(obj.get("verbatim") is True for obj in sent)


async def test_bare_mentions_and_channel_names_in_a_task_are_sent_verbatim(workspace):
    # Given instructions and an excerpt with bare mentions, a channel name and a URL
    task = {"id": "x1", "payload": {"excerpt": f"A: {BARE}\nB: ok."}}
    await workspace.bank.import_batch(
        jsonl(header(instructions=f"Read {BARE}"), [task]), filename="t.jsonl"
    )
    # When a writer claims it
    await claim(workspace)
    # Then each text carrying them went verbatim, so Slack shows them as typed
    carrying = [
        obj
        for body in everything_sent(workspace)
        for obj in mrkdwn_objects(body)
        if "@here" in obj["text"]
    ]
    assert carrying and all(obj.get("verbatim") is True for obj in carrying)
