"""The fake Slack's Block Kit checks refuse what Slack refuses, or the adapter's tests prove nothing."""

from __future__ import annotations

import pytest

from tests.slack_fake import block_problems, view_problems


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(label: str, action_id: str = "a") -> dict:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": label}}


def menu(count: int) -> dict:
    return {
        "type": "static_select",
        "action_id": "m",
        "placeholder": {"type": "plain_text", "text": "Pick"},
        "options": [
            {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(count)
        ],
    }


@pytest.mark.parametrize(
    "blocks",
    [
        [section("x" * 3001)],
        [section("")],
        [section("ok")] * 51,
        [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
        [{"type": "actions", "elements": [button("b" * 76)]}],
        [{"type": "actions", "elements": [button("one"), button("two")]}],  # same action_id
        [{"type": "actions", "elements": [menu(101)]}],
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        [{"type": "input", "label": {"type": "plain_text", "text": "l"}, "element": {}}],
    ],
    ids=[
        "long-section",
        "empty-section",
        "51-blocks",
        "long-header",
        "long-button",
        "duplicate-action-ids",
        "101-options",
        "11-fields",
        "input-in-a-message",
    ],
)
def test_blocks_beyond_slacks_limits_are_refused(blocks):
    assert block_problems(blocks, "message")


def test_valid_blocks_pass_and_a_modal_title_over_24_characters_fails():
    blocks = [section("x" * 3000), {"type": "actions", "elements": [button("ok"), menu(100)]}]
    assert block_problems(blocks, "message") == []
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": blocks}
    assert view_problems(view) == ["view.title: must be less than 25 characters"]


def test_text_objects_take_verbatim_on_mrkdwn_and_emoji_on_plain_text_only():
    verbatim = {"type": "section", "text": {"type": "mrkdwn", "text": "t", "verbatim": True}}
    header = {"type": "header", "text": {"type": "plain_text", "text": "h", "emoji": True}}
    assert block_problems([verbatim, header], "message") == []
    wrong = [
        {"type": "section", "text": {"type": "plain_text", "text": "t", "verbatim": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "t", "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "t", "verbatim": "yes"}},
    ]
    assert all(block_problems([block], "message") for block in wrong)


async def test_history_is_newest_first_limited_and_shows_metadata_only_when_asked(fake_slack):
    from slack_sdk.web.async_client import AsyncWebClient

    from tests.slack_fake import BOT_TOKEN

    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)
    marker = {"event_type": "taskbot_post", "event_payload": {"key": "k1"}}
    for n in range(3):
        await client.chat_postMessage(
            channel="C0ONE", text=f"m{n}", metadata=marker if n == 0 else None
        )
    await client.chat_postMessage(channel="C0TWO", text="elsewhere")
    plain = await client.conversations_history(channel="C0ONE", limit=2)
    assert [m["text"] for m in plain["messages"]] == ["m2", "m1"] and plain["has_more"]
    full = await client.conversations_history(channel="C0ONE", include_all_metadata=True)
    assert [m.get("metadata") for m in full["messages"]] == [None, None, marker]
    without = await client.conversations_history(channel="C0ONE")
    assert all("metadata" not in m for m in without["messages"])
