"""The Slack app manifest, with its slash commands derived from the commands bot/commands.py
declares; adapters/slack/manifest.json is this, written out for a coordinator to paste into Slack.

Regenerate after changing a command: `python -m adapters.slack.manifest > adapters/slack/manifest.json`
(a test fails while the packaged file and the declaration differ).
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.settings import SlackConfig
from bot.commands import COMMANDS

HOST = "https://YOUR-HOST"
SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "files:read",
    "files:write",
    "reactions:read",
    "reactions:write",
    "channels:history",
    "groups:history",
    "im:history",
)


def slash_commands(url: str, settings: SlackConfig | None = None) -> list[dict[str, Any]]:
    """Each declared command as a manifest slash command (under its configured slash name)."""
    slashes = (settings or SlackConfig()).commands
    listed = []
    for command in COMMANDS:
        entry: dict[str, Any] = {
            "command": slashes[command.name],
            "url": url,
            "description": command.description,
        }
        if usage := command.usage():
            entry["usage_hint"] = usage
        # Escaping makes Slack send an @mention as <@U123|name>, the id a command about a
        # person needs (unescaped, it arrives as the bare '@name'); its text then comes with
        # &, < and > as entities (adapters/slack/inbound.py decodes them).
        entry["should_escape"] = command.names_people
        listed.append(entry)
    return listed


def manifest(host: str = HOST, settings: SlackConfig | None = None) -> dict[str, Any]:
    """The whole manifest: one request URL for commands, interactivity and events."""
    settings = settings or SlackConfig()
    url = host.rstrip("/") + settings.path
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "Taskbot",
            "description": "Creative micro-tasks for writers, with an honest pay ledger.",
            "background_color": "#2c2d30",
        },
        "features": {
            "bot_user": {"display_name": "Taskbot", "always_online": True},
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "slash_commands": slash_commands(url, settings),
            "shortcuts": [
                {
                    "name": "Import batch",
                    "type": "message",
                    "callback_id": settings.import_shortcut,
                    "description": "Import the JSONL or CSV file on this message as a batch",
                }
            ],
        },
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": {
            "event_subscriptions": {
                "request_url": url,
                "bot_events": ["reaction_added", "app_home_opened"],
            },
            "interactivity": {"is_enabled": True, "request_url": url},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }


if __name__ == "__main__":
    print(json.dumps(manifest(), indent=2, ensure_ascii=False))
