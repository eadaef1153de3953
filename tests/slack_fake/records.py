"""What the fake Slack holds (messages, response_urls) and how its Web API answers (ok, error)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_TOKEN = "xoxb-test-token"


@dataclass
class Message:
    """A message as the fake workspace holds it."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    user: str | None = None  # for ephemeral messages: the one person who sees it
    ephemeral: bool = False
    thread_ts: str | None = None
    version: int = 1
    metadata: dict[str, Any] | None = None  # message metadata: event_type and event_payload
    files: list[dict[str, Any]] = field(default_factory=list)
    bot: bool = True  # posted by the app (chat.postMessage, a response_url, an upload)


@dataclass
class ResponseUrl:
    """A response_url Slack issued with an interaction: who, where, which message, uses left."""

    user: str
    channel: str
    message_ts: str | None
    uses: int = 0
    expired: bool = False


def ok(**fields: Any) -> web.Response:
    return web.json_response({"ok": True, **fields})


def error(error: str, problems: list[str] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error": error}
    if problems:
        body["errors"] = problems
        body["response_metadata"] = {"messages": [f"[ERROR] {p}" for p in problems]}
    return web.json_response(body)
