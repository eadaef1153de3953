"""Payload builders: Discord's user and role objects and timestamps, as Discord sends them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def user_object(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "public_flags": 0,
        "bot": bot,
    }


def _role(role_id: str, name: str) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "color": 0,
        "hoist": False,
        "position": 0,
        "permissions": "2248473465835073",
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat()
