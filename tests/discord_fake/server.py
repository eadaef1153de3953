"""The fake Discord server: its state, how tests set it up and look at it, and its life on
127.0.0.1; the gateway and REST halves are gateway.py and rest.py."""

from __future__ import annotations

import asyncio
import itertools
import re
from typing import Any, Literal

from aiohttp import web

from tests.discord_fake.gateway import Gateway
from tests.discord_fake.identity import EPHEMERAL, EVERYONE_ROLE, GUILD_ID
from tests.discord_fake.interactions import Interaction
from tests.discord_fake.limits import ANSWER_WITHIN
from tests.discord_fake.payloads import _role
from tests.discord_fake.rest import Rest


class FakeDiscord(Gateway, Rest):
    """Discord's gateway and REST API for one server, recording every call."""

    def __init__(self) -> None:
        self._ids = itertools.count(1200000000000000000)
        self.channels: dict[str, dict[str, Any]] = {}
        self.roles: list[dict[str, Any]] = [_role(EVERYONE_ROLE, "@everyone")]
        self.messages: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.interactions: dict[str, Interaction] = {}
        self.calls: list[tuple[str, str, Any]] = []
        self.refused: list[tuple[str, list[str]]] = []
        self.reactions: list[tuple[str, str, str]] = []
        self.dm_channels: dict[str, str] = {}
        self.dms_closed: set[str] = set()
        self.members: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.throttle: list[dict[str, Any]] = []
        self.held: list[dict[str, Any]] = []
        self.overrides: list[dict[str, Any]] = []
        self.lost: list[dict[str, Any]] = []
        self.downloads: list[str] = []
        self.nonces: dict[str, tuple[float, str]] = {}
        self.answer_within = ANSWER_WITHIN
        # Discord answers an interaction callback 200 with the callback's object only when it is
        # asked back (`with_response`); False: 204 with no body, as without it.
        self.callback_bodies = True
        self.identified: list[dict[str, Any]] = []
        self.refuse_identify_with: int | None = None  # a close code to answer IDENTIFY with
        # How the bot hears of the server: READY then its GUILD_CREATE ("created"); READY listing
        # it unavailable, its GUILD_CREATE not sent yet (Discord sends it lazily: "unavailable");
        # not at all, as on a shard that does not hold it ("absent": shard 0, which gets DMs)
        self.server_shown: Literal["created", "unavailable", "absent"] = "created"
        self.heartbeats = 0
        self.heartbeat_ms = 41250  # Discord's usual; a test may shorten it
        self.ready = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None
        self._sequence = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life -------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/files/{id}/{name}", self._file)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close_gateway(self, code: int) -> None:
        """End the gateway session with a close code (4004: the token was reset; 4013 and
        4014: the intents asked for are invalid or not allowed; discord.py gives up on these)."""
        assert self._socket is not None, "no gateway session to close"
        await self._socket.close(code=code)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def snowflake(self) -> str:
        return str(next(self._ids))

    def add_channel(self, name: str) -> str:
        channel_id = self.snowflake()
        self.channels[channel_id] = {
            "id": channel_id,
            "type": 0,
            "guild_id": GUILD_ID,
            "name": name,
            "position": len(self.channels),
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }
        return channel_id

    def add_member(self, member: dict[str, Any]) -> None:
        """Someone in the server (REST answers GET /guilds/{id}/members/{user} with them)."""
        self.members[member["user"]["id"]] = member

    def add_role(self, name: str) -> str:
        role_id = self.snowflake()
        self.roles.append(_role(role_id, name))
        return role_id

    def bot_message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A message the bot posted earlier (say, by an older version), put straight in."""
        return self._create(channel_id, body, [])

    def close_dms(self, user_id: str) -> None:
        """The user accepts no direct messages from the bot (their privacy settings, or a shared
        server left): Discord still opens the channel, but refuses each message with 403, code
        50007 "Cannot send messages to this user"."""
        self.dms_closed.add(user_id)

    def open_dm(self, user_id: str) -> str:
        """The direct-message channel between the bot and a user (made on first use)."""
        return self.dm_channels.setdefault(user_id, self.snowflake())

    def rate_limit(
        self,
        method: str,
        path: str,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        via: bool = True,
        is_global: bool = False,
        charset: bool = False,
        headers: bool = True,
    ) -> None:
        """Answer the next `times` calls matching with 429 and `retry_after`, as Discord does.

        `via=False` leaves out the `Via` header the real Discord's load balancer adds: the 429
        exactly as Discord's rate-limit page shows it (body and `Retry-After`/`X-RateLimit-*`
        headers only), as a fake written from that page sends it. `is_global` makes it a global
        limit (`X-RateLimit-Global`, no bucket headers); `charset` sends its JSON as
        `application/json; charset=utf-8`, as many web frameworks do; `headers=False` sends the
        body alone (no Retry-After or X-RateLimit-*)."""
        self.throttle.append(
            {
                "method": method,
                "path": re.compile(path),
                "left": times,
                "retry_after": retry_after,
                "via": via,
                "global": is_global,
                "charset": charset,
                "headers": headers,
            }
        )

    def answer_next(self, method: str, path: str, body: Any, status: int = 200) -> None:
        """Answer the next call matching with `body` instead of doing it (an answer the bot
        does not expect, say)."""
        self.overrides.append(
            {"method": method, "path": re.compile(path), "body": body, "status": status}
        )

    def lose_answer(self, method: str, path: str, status: int = 502, times: int = 1) -> None:
        """Do the next `times` calls matching, each to a path not lost before, then answer
        `status` instead of their answer (a proxy in front of Discord that gave up waiting after
        Discord had done it); the client's retry of the same path is answered as Discord would."""
        self.lost.append(
            {"method": method, "path": re.compile(path), "status": status, "left": times}
            | {"seen": set()}
        )

    def hold(self, method: str, path: str) -> asyncio.Event:
        """Do the next call matching, then keep its answer back until the returned event is set
        (a bot that dies meanwhile never learns that Discord did it)."""
        release = asyncio.Event()
        self.held.append(
            {"method": method, "path": re.compile(path), "release": release, "reached": False}
        )
        return release

    def reached_held(self) -> bool:
        """Whether a held call has been done (and its answer is being kept back)."""
        return any(rule["reached"] for rule in self.held)

    def forget_nonces(self) -> None:
        """The few minutes Discord keeps enforced nonces have passed."""
        self.nonces.clear()

    def attach(self, name: str, content: bytes) -> dict[str, Any]:
        """An uploaded file as a command's resolved attachment."""
        file_id = self.snowflake()
        self.files[file_id] = content
        return {
            "id": file_id,
            "filename": name,
            "size": len(content),
            "url": f"http://127.0.0.1:{self.port}/files/{file_id}/{name}",
            "proxy_url": f"http://127.0.0.1:{self.port}/files/{file_id}/{name}",
            "content_type": "text/plain; charset=utf-8",
            "ephemeral": True,
        }

    def in_channel(self, channel_id: str) -> list[dict[str, Any]]:
        """The messages everyone in a channel sees, oldest first."""
        return [
            m
            for m in self.messages.values()
            if m["channel_id"] == channel_id and not m["flags"] & EPHEMERAL
        ]

    def direct_to(self, user_id: str) -> list[dict[str, Any]]:
        """The bot's direct messages to a user, oldest first."""
        channel_id = self.dm_channels.get(user_id)
        return self.in_channel(channel_id) if channel_id else []

    def called(self, method: str, pattern: str) -> list[Any]:
        """Bodies of the REST calls whose path matches `pattern`."""
        found = re.compile(pattern)
        return [body for m, path, body in self.calls if m == method and found.search(path)]


class GatedDiscord(FakeDiscord):
    """The fake Discord, holding every edit of a deferred answer while `gate` is shut (it starts
    open): work acknowledged to Discord is then surely in flight when a test stops the bot."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.gate.set()
        self.gated = 0

    async def _edit_original(self, *args: Any) -> web.Response:
        if not self.gate.is_set():
            self.gated += 1
            await self.gate.wait()
        return await super()._edit_original(*args)
