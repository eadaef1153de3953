"""Payload builders: Slack's inbound requests as Slack sends them: signed, form-encoded or JSON,
documented shapes.

Shapes follow Slack's reference pages for slash commands, `block_actions`, `view_submission`,
`message_action` and the Events API's `event_callback`.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

TEAM = {"id": "T0TASKBOT", "domain": "writers"}
APP_ID = "A0TASKBOT"
_ids = itertools.count(1)


def trigger_id() -> str:
    return f"{next(_ids)}.{int(time.time())}.trigger{next(_ids):06d}"


def user(user_id: str) -> dict[str, Any]:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM["id"]}


def slash_command(command: str, text: str, user_id: str, channel_id: str, response_url: str) -> str:
    """A slash command's form-encoded body."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM["id"],
            "team_domain": TEAM["domain"],
            "channel_id": channel_id,
            "channel_name": "writers-room",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id(),
        }
    )


def interactive(payload: dict[str, Any]) -> str:
    """An interactivity request body: the payload as JSON in a `payload` form field."""
    return urlencode({"payload": json.dumps(payload)})


def block_actions(
    user_id: str,
    channel_id: str,
    message_ts: str,
    action: dict[str, Any],
    response_url: str,
    *,
    ephemeral: bool,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload for one action on a message (ephemeral messages carry none)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": user(user_id),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id(),
        "team": TEAM,
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "writers-room"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    if message is not None:
        payload["message"] = message
    return payload


def view_submission(user_id: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A `view_submission` payload: the view as Slack stores it, with its input state."""
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": user(user_id),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id(),
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action(
    user_id: str,
    channel_id: str,
    callback_id: str,
    message: dict[str, Any],
    response_url: str,
) -> dict[str, Any]:
    """A message shortcut (`message_action`) used on a message."""
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": TEAM,
        "user": user(user_id),
        "channel": {"id": channel_id, "name": "coordinators"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id(),
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": message,
    }


def event_callback(event: dict[str, Any], event_id: str, bot_user: str) -> str:
    """An Events API delivery (JSON)."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM["id"],
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM["id"],
                    "user_id": bot_user,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


def reaction_added(user_id: str, name: str, channel_id: str, ts: str, item_user: str) -> dict:
    return {
        "type": "reaction_added",
        "user": user_id,
        "reaction": name,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel_id, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }
