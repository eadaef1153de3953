"""The fake Discord's gateway (one WebSocket per client)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord_fake.identity import APP_ID, BOT_ID, GUILD_ID
from tests.discord_fake.payloads import _now


class Gateway:
    """The gateway half of the fake: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats and
    dispatched events over one WebSocket per client."""

    # -- gateway ----------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one gateway event (op 0) to the connected bot."""
        await asyncio.wait_for(self.ready.wait(), 15)
        assert self._socket is not None
        self._sequence += 1
        await self._socket.send_str(
            json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data})
        )

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        self.ready.clear()
        await socket.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}})
        )
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            sent = json.loads(frame.data)
            if sent["op"] == 1:
                self.heartbeats += 1
                await socket.send_str(json.dumps({"op": 11}))
            elif sent["op"] == 2:
                self.identified.append(sent["d"])
                refusal = self.refuse_identify_with
                if refusal is not None:  # 4004 a reset token, 4013/4014 intents, on IDENTIFY
                    await socket.close(code=refusal)
                else:
                    await self._send_ready(socket)
        return socket

    async def _send_ready(self, socket: web.WebSocketResponse) -> None:
        ready = {
            "v": 10,
            "user": self.bot_user(),
            "guilds": [{"id": GUILD_ID, "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "shard": [0, 1],
            "application": {"id": APP_ID, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        guild = {
            "id": GUILD_ID,
            "name": "Writers' Room",
            "unavailable": False,
            "owner_id": BOT_ID,
            "roles": self.roles,
            "channels": list(self.channels.values()),
            "members": [],
            "member_count": 4,
            "emojis": [],
            "stickers": [],
            "features": [],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": _now(),
            "large": False,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }
        if self.server_shown == "absent":
            ready["guilds"] = []
        events = [("READY", ready), ("GUILD_CREATE", guild)]
        for event, data in events[: 2 if self.server_shown == "created" else 1]:
            self._sequence += 1
            await socket.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))
        self.ready.set()
