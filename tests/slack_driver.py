"""People using Slack, for tests: each sends what Slack would send for a command, a click, a modal
or a reaction, signed, over HTTP to the real app, and reads back what the fake Slack holds.

Clicks and modal submits are built from the blocks the app really posted: a test can only press
a button or fill an input the app drew.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import aiohttp

from tests.slack_fake import BOT_USER, FakeSlack, Message, payloads, signing
from tests.waiting import until

SIGNING_SECRET = "test-signing-secret"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_until_serving(base: str, attempts: int = 600) -> bool:
    """Poll `{base}/healthz` every 50 ms until it answers 200; False if it never does."""
    async with aiohttp.ClientSession() as session:
        for _ in range(attempts):
            try:
                async with session.get(f"{base}/healthz") as answer:
                    if answer.status == 200:
                        return True
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    return False


class Workspace:
    """The fake Slack plus a way to send the app signed requests."""

    def __init__(self, fake: FakeSlack, app_url: str) -> None:
        self.fake = fake
        self.app_url = app_url
        self.session = aiohttp.ClientSession()
        self.events = 0

    async def close(self) -> None:
        await self.session.close()

    # -- raw requests ---------------------------------------------------------------------

    async def send(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        headers: dict[str, str] | None = None,
        secret: str | None = SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> tuple[int, str]:
        """POST a body to the app, signed with `secret` (None: unsigned)."""
        sent = {"Content-Type": content_type, **(headers or {})}
        if secret is not None:
            sent.update(signing.sign(secret, body, timestamp))
        async with self.session.post(self.app_url, data=body.encode(), headers=sent) as answer:
            return answer.status, await answer.text()

    async def wait_for(self, check: Any, what: str) -> Any:
        """Poll until `check()` is truthy (the app answers Slack first and works after)."""
        return await until(check, what)

    # -- what a user sees -----------------------------------------------------------------

    def visible_to(self, user: str) -> list[Message]:
        """Messages only this user sees (ephemeral, or in the app's DM with them), oldest first."""
        dm = "D" + user[1:]
        return [
            m
            for m in self.fake.messages.values()
            if (m.user == user and m.ephemeral) or m.channel == dm
        ]

    def channel(self, channel: str) -> list[Message]:
        return [m for m in self.fake.messages.values() if m.channel == channel and not m.ephemeral]

    async def new_card(self, user: str, seen: int) -> Message:
        """The next message for this user after `seen` of them."""
        messages = await self.wait_for(
            lambda: self.visible_to(user)[seen:], f"a new card for {user}"
        )
        return messages[0]

    async def updated(self, message: Message, version: int) -> Message:
        await self.wait_for(lambda: message.version > version, f"an update of {message.ts}")
        return message

    # -- what a user does -----------------------------------------------------------------

    async def command(
        self, user: str, slash: str, text: str = "", channel: str = "C0WRITERS"
    ) -> tuple[int, str]:
        url = self.fake.issue_response_url(user, channel)
        return await self.send(payloads.slash_command(slash, text, user, channel, url))

    async def click(
        self, user: str, message: Message, action_id: str, *values: str
    ) -> tuple[int, str]:
        """Press a button (or pick options in a menu) that the message really shows."""
        return await self.send(self.click_body(user, message, action_id, *values))

    async def double_click(self, user: str, message: Message, action_id: str) -> None:
        """Two clicks on the card as it is now, sent together (as a double click arrives)."""
        bodies = [self.click_body(user, message, action_id) for _ in range(2)]
        await asyncio.gather(*(self.send(body) for body in bodies))

    def click_body(self, user: str, message: Message, action_id: str, *values: str) -> str:
        """The block_actions request for a click on the message as it is now."""
        block_id, element = find_element(message, action_id)
        action: dict[str, Any] = {
            "action_id": element["action_id"],
            "block_id": block_id,
            "type": element["type"],
        }
        if element["type"] == "button":
            action.update(text=element["text"], value=element.get("value", ""))
        else:
            options = {o["value"]: o for o in element["options"]}
            chosen = [options[v] for v in values]  # KeyError: the menu has no such option
            if element["type"] == "multi_static_select":
                action["selected_options"] = chosen
            else:
                action["selected_option"] = chosen[0]
        url = self.fake.issue_response_url(user, message.channel, message.ts)
        raw = None
        if not message.ephemeral:
            raw = {
                "type": "message",
                "ts": message.ts,
                "text": message.text,
                "blocks": message.blocks,
                "user": BOT_USER,
                "bot_id": "B0TASKBOT",
            }
        body = payloads.block_actions(
            user, message.channel, message.ts, action, url, ephemeral=message.ephemeral, message=raw
        )
        return payloads.interactive(body)

    async def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict:
        """Submit a modal, filling the inputs it really has; returns the app's JSON answer."""
        state: dict[str, Any] = {}
        inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
        for block_id, element in inputs.items():
            value = values.get(block_id)
            kind = element["type"]
            if kind == "plain_text_input":
                entry = {"type": kind, "value": value}
            elif kind == "static_select":
                options = {o["value"]: o for o in element["options"]}
                entry = {"type": kind, "selected_option": options[value] if value else None}
            else:
                options = {o["value"]: o for o in element["options"]}
                entry = {"type": kind, "selected_options": [options[v] for v in value or []]}
            state[block_id] = {element["action_id"]: entry}
        unknown = set(values) - set(inputs)
        assert not unknown, f"the modal has no inputs {unknown}"
        status, text = await self.send(
            payloads.interactive(payloads.view_submission(user, view, state))
        )
        assert status == 200, text
        return json.loads(text) if text else {}

    async def react(
        self,
        user: str,
        message: Message,
        name: str,
        *,
        event_id: str | None = None,
        retry: int | None = None,
    ) -> tuple[int, str]:
        self.events += 1
        event = payloads.reaction_added(user, name, message.channel, message.ts, BOT_USER)
        body = payloads.event_callback(event, event_id or f"Ev{self.events:08d}", BOT_USER)
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else {}
        )
        return await self.send(body, "application/json", headers=headers)

    async def shortcut(self, user: str, message: Message, callback_id: str, files: list) -> tuple:
        url = self.fake.issue_response_url(user, message.channel)
        raw = {"type": "message", "user": user, "ts": message.ts, "text": "", "files": files}
        body = payloads.message_action(user, message.channel, callback_id, raw, url)
        return await self.send(payloads.interactive(body))


def find_element(message: Message, action_id: str) -> tuple[str, dict[str, Any]]:
    """The element with this action id (or the first whose id starts with it), and its block."""
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return block.get("block_id", ""), element
    for block in message.blocks:
        for element in block.get("elements", []):
            if str(element.get("action_id", "")).startswith(action_id):
                return block.get("block_id", ""), element
    shown = [e.get("action_id") for b in message.blocks for e in b.get("elements", [])]
    raise AssertionError(f"no control {action_id!r} on the card; it has {shown}")


def buttons(message: Message) -> list[str]:
    """The labels of every button on a message."""
    return [
        e["text"]["text"]
        for b in message.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    ]


def text_of(message: Message) -> str:
    """Everything a person reads on a message."""
    parts = []
    for block in message.blocks:
        if "text" in block and isinstance(block["text"], dict):
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields", [])]
        parts += [
            e["text"]
            for e in block.get("elements", [])
            if "text" in e and isinstance(e["text"], str)
        ]
    return "\n".join(parts)
