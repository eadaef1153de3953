"""A fake Discord on 127.0.0.1: the gateway (HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats,
dispatched events) and the REST routes Taskbot calls — interaction callbacks, webhooks for
follow-ups and edits, channel messages, reactions, direct messages, command registration and
attachment downloads — answering like Discord, 400s and 429s included.

The limit checks are written from Discord's reference pages (message, embed, component and modal
limits), independently of the adapter's drawing code, so a card that breaks one fails a test.

Like Discord, it drops an interaction whose first answer comes more than 3 seconds after it was
sent (404, Unknown interaction), and a message created with `nonce` and `enforce_nonce` whose
nonce it saw from the same author within the last few minutes is not created again: the earlier
message comes back instead.

Stricter than Discord, on purpose: every request that creates or edits a message must carry
`allowed_mentions` that pings no one (`parse: []`, no users, no roles, no replied user), or it
gets a 400 — Taskbot's rule, so every test checks it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "test-discord-token"
APP_ID = "1100000000000000001"
BOT_ID = "1100000000000000002"
GUILD_ID = "1100000000000000003"
EVERYONE_ROLE = GUILD_ID
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Discord's documented limits.
LIMITS = {
    "content": 2000,
    "embeds": 10,
    "embed_title": 256,
    "embed_description": 4096,
    "embed_fields": 25,
    "field_name": 256,
    "field_value": 1024,
    "footer": 2048,
    "embed_total": 6000,
    "action_rows": 5,
    "buttons_per_row": 5,
    "button_label": 80,
    "custom_id": 100,
    "select_options": 25,
    "option_label": 100,
    "option_value": 100,
    "placeholder": 150,
    "modal_title": 45,
    "modal_components": 5,
    "label_text": 45,
    "label_description": 100,
    "text_input_length": 4000,
    "text_input_placeholder": 100,
    "nonce": 25,
}
ANSWER_WITHIN = 3.0  # seconds Discord waits for an interaction's first answer
NONCE_MEMORY = 180.0  # "a few minutes": how long Discord keeps enforced nonces
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def _long(where: str, text: Any, limit: str) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, str):
        return [f"{where}: expected a string"]
    return (
        [f"{where}: must be {LIMITS[limit]} or fewer in length"]
        if len(text) > LIMITS[limit]
        else []
    )


def embed_problems(embeds: Any) -> list[str]:
    if embeds is None:
        return []
    problems = []
    if len(embeds) > LIMITS["embeds"]:
        problems.append(f"embeds: must be {LIMITS['embeds']} or fewer in length")
    total = 0
    for n, embed in enumerate(embeds):
        where = f"embeds.{n}"
        problems += _long(f"{where}.title", embed.get("title"), "embed_title")
        problems += _long(f"{where}.description", embed.get("description"), "embed_description")
        fields = embed.get("fields") or []
        if len(fields) > LIMITS["embed_fields"]:
            problems.append(f"{where}.fields: must be {LIMITS['embed_fields']} or fewer in length")
        for i, f in enumerate(fields):
            if not f.get("name") or not f.get("value"):
                problems.append(f"{where}.fields.{i}: name and value are required")
            problems += _long(f"{where}.fields.{i}.name", f.get("name"), "field_name")
            problems += _long(f"{where}.fields.{i}.value", f.get("value"), "field_value")
            total += len(f.get("name") or "") + len(f.get("value") or "")
        footer = (embed.get("footer") or {}).get("text")
        problems += _long(f"{where}.footer.text", footer, "footer")
        total += sum(len(embed.get(k) or "") for k in ("title", "description")) + len(footer or "")
    if total > LIMITS["embed_total"]:
        problems.append(f"embeds: total size must be {LIMITS['embed_total']} or fewer ({total})")
    return problems


def _select_problems(where: str, select: dict[str, Any]) -> list[str]:
    problems = _long(f"{where}.placeholder", select.get("placeholder"), "placeholder")
    options = select.get("options") or []
    if not 1 <= len(options) <= LIMITS["select_options"]:
        problems.append(f"{where}.options: must be between 1 and {LIMITS['select_options']}")
    for i, option in enumerate(options):
        problems += _long(f"{where}.options.{i}.label", option.get("label"), "option_label")
        problems += _long(f"{where}.options.{i}.value", option.get("value"), "option_value")
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not 0 <= low <= high <= max(len(options), 1):
        problems.append(f"{where}: min_values {low} / max_values {high} out of range")
    return problems


def component_problems(components: Any) -> list[str]:
    """A message's action rows: at most 5, each 5 buttons or one select, unique custom ids."""
    if components is None:
        return []
    problems = []
    if len(components) > LIMITS["action_rows"]:
        problems.append(f"components: must be {LIMITS['action_rows']} or fewer in length")
    seen: set[str] = set()
    for r, row in enumerate(components):
        where = f"components.{r}"
        if row.get("type") != 1:
            problems.append(f"{where}: expected an action row")
            continue
        children = row.get("components") or []
        kinds = {c.get("type") for c in children}
        if not children:
            problems.append(f"{where}.components: must have at least 1 item")
        if kinds == {2} and len(children) > LIMITS["buttons_per_row"]:
            problems.append(f"{where}.components: must be 5 or fewer in length")
        if 3 in kinds and len(children) != 1:
            problems.append(f"{where}: a select menu must be alone in its row")
        for c, child in enumerate(children):
            here = f"{where}.components.{c}"
            custom_id = child.get("custom_id")
            if not custom_id:
                problems.append(f"{here}.custom_id: required")
            else:
                problems += _long(f"{here}.custom_id", custom_id, "custom_id")
                if custom_id in seen:
                    problems.append(f"{here}.custom_id: duplicated")
                seen.add(custom_id)
            if child.get("type") == 2:
                problems += _long(f"{here}.label", child.get("label"), "button_label")
            elif child.get("type") == 3:
                problems += _select_problems(here, child)
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    problems = _long("title", data.get("title"), "modal_title")
    problems += _long("custom_id", data.get("custom_id"), "custom_id")
    components = data.get("components") or []
    if not 1 <= len(components) <= LIMITS["modal_components"]:
        problems.append(f"components: must be between 1 and {LIMITS['modal_components']}")
    for n, label in enumerate(components):
        where = f"components.{n}"
        if label.get("type") != 18:
            problems.append(f"{where}: expected a label")
            continue
        problems += _long(f"{where}.label", label.get("label"), "label_text")
        problems += _long(f"{where}.description", label.get("description"), "label_description")
        inner = label.get("component") or {}
        problems += _long(f"{where}.component.custom_id", inner.get("custom_id"), "custom_id")
        if inner.get("type") == 4:
            for key in ("value",):
                problems += _long(f"{where}.component.{key}", inner.get(key), "text_input_length")
            problems += _long(
                f"{where}.component.placeholder", inner.get("placeholder"), "text_input_placeholder"
            )
            for key in ("min_length", "max_length"):
                if (inner.get(key) or 0) > LIMITS["text_input_length"]:
                    problems.append(f"{where}.component.{key}: must be 4000 or less")
        elif inner.get("type") == 3:
            problems += _select_problems(f"{where}.component", inner)
        else:
            problems.append(f"{where}.component: unsupported type {inner.get('type')}")
    return problems


def message_problems(payload: dict[str, Any]) -> list[str]:
    return [
        *_long("content", payload.get("content"), "content"),
        *embed_problems(payload.get("embeds")),
        *component_problems(payload.get("components")),
    ]


def sent_problems(payload: dict[str, Any]) -> list[str]:
    """What the fake refuses in a message the bot creates or edits: Discord's limits and ours."""
    return message_problems(payload) + mention_problems(payload)


def mention_problems(payload: dict[str, Any]) -> list[str]:
    """Taskbot's rule (not Discord's): a message says it may ping no one, every time."""
    allowed = payload.get("allowed_mentions")
    if not isinstance(allowed, dict):
        return ["allowed_mentions: missing; Taskbot's messages must say they ping no one"]
    problems = []
    if allowed.get("parse") != []:
        problems.append(f"allowed_mentions.parse: {allowed.get('parse')!r}, expected []")
    for key in ("users", "roles"):
        if allowed.get(key):
            problems.append(f"allowed_mentions.{key}: {allowed[key]!r}, expected none")
    if allowed.get("replied_user"):
        problems.append("allowed_mentions.replied_user: expected false")
    return problems


def mentions(payload: dict[str, Any], *, interaction: bool) -> dict[str, Any]:
    """Who a message's content pings, as Discord decides it from `allowed_mentions` (embeds never
    ping; without the field every mention in the content counts, in interactions user ones only)."""
    content = payload.get("content") or ""
    allowed = payload.get("allowed_mentions")
    if isinstance(allowed, dict):
        parse = set(allowed.get("parse") or ())
        users = set(map(str, allowed.get("users") or ()))
        roles = set(map(str, allowed.get("roles") or ()))
    else:
        parse, users, roles = (
            ({"users"} if interaction else {"users", "roles", "everyone"}),
            set(),
            set(),
        )
    found_users = _USER_MENTION.findall(content)
    found_roles = _ROLE_MENTION.findall(content)
    return {
        "mention_everyone": "everyone" in parse and ("@everyone" in content or "@here" in content),
        "mentions": [
            user_object(u, f"user{u[-4:]}") for u in found_users if "users" in parse or u in users
        ],
        "mention_roles": [r for r in found_roles if "roles" in parse or r in roles],
    }


@dataclass
class Interaction:
    """One interaction sent to the bot and everything the bot answered to it."""

    id: str
    token: str
    type: int
    payload: dict[str, Any]
    callback: int | None = None
    callback_data: dict[str, Any] | None = None
    original_id: str | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    followups: list[str] = field(default_factory=list)
    edits: int = 0
    sent_at: float = field(default_factory=time.monotonic)
    late: bool = False  # its first answer came after Discord's deadline
    first_answer_after: float | None = None  # seconds from sending it to its first answer

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.callback_data if self.callback == 9 else None


class FakeDiscord:
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
        self.members: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.throttle: list[dict[str, Any]] = []
        self.held: list[dict[str, Any]] = []
        self.overrides: list[dict[str, Any]] = []
        self.downloads: list[str] = []
        self.nonces: dict[str, tuple[float, str]] = {}
        self.answer_within = ANSWER_WITHIN
        self.identified: list[dict[str, Any]] = []
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

    def open_dm(self, user_id: str) -> str:
        """The direct-message channel between the bot and a user (made on first use)."""
        return self.dm_channels.setdefault(user_id, self.snowflake())

    def rate_limit(self, method: str, path: str, times: int = 1, retry_after: float = 0.05) -> None:
        """Answer the next `times` calls matching with 429 and `retry_after`, as Discord does."""
        self.throttle.append(
            {"method": method, "path": re.compile(path), "left": times, "retry_after": retry_after}
        )

    def answer_next(self, method: str, path: str, body: Any, status: int = 200) -> None:
        """Answer the next call matching with `body` instead of doing it (an answer the bot
        does not expect, say)."""
        self.overrides.append(
            {"method": method, "path": re.compile(path), "body": body, "status": status}
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
        for event, data in (("READY", ready), ("GUILD_CREATE", guild)):
            self._sequence += 1
            await socket.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))
        self.ready.set()

    # -- REST -------------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return user_object(BOT_ID, "Taskbot", bot=True)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        method = request.method
        webhook = path.startswith("/webhooks/") or path.startswith("/interactions/")
        if not webhook and request.headers.get("Authorization") != f"Bot {TOKEN}":
            return _error(401, 0, "401: Unauthorized")
        body, uploads = await _read_body(request)
        self.calls.append((method, path, body))
        for rule in self.throttle:
            if rule["left"] > 0 and rule["method"] == method and rule["path"].search(path):
                rule["left"] -= 1
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": rule["retry_after"],
                        "global": False,
                    },
                    status=429,
                    headers={
                        "Retry-After": "1",
                        "X-RateLimit-Scope": "user",
                        "Via": "1.1 google",
                    },
                )
        for rule in self.overrides:
            if rule["method"] == method and rule["path"].search(path):
                self.overrides.remove(rule)
                return _json(rule["body"], status=rule["status"])
        for pattern, handler in self._routes():
            found = re.fullmatch(pattern, f"{method} {path}")
            if found:
                answer = await handler(request, body, uploads, *found.groups())
                await self._held_back(method, path)
                return answer
        return _error(404, 0, f"404: Not Found ({method} {path})")

    async def _held_back(self, method: str, path: str) -> None:
        for rule in self.held:
            if not rule["reached"] and rule["method"] == method and rule["path"].search(path):
                rule["reached"] = True
                await rule["release"].wait()
                return

    def _routes(self) -> list[tuple[str, Any]]:
        return [
            (r"GET /users/@me", self._me),
            (r"GET /oauth2/applications/@me", self._application),
            (r"PUT /applications/(\d+)/commands", self._put_commands),
            (r"PUT /applications/(\d+)/guilds/(\d+)/commands", self._put_guild_commands),
            (r"POST /interactions/(\d+)/([^/]+)/callback", self._callback),
            (r"PATCH /webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            (r"POST /webhooks/(\d+)/([^/]+)", self._followup),
            (r"PATCH /webhooks/(\d+)/([^/]+)/messages/(\d+)", self._edit_followup),
            (r"POST /channels/(\d+)/messages", self._post_message),
            (r"PATCH /channels/(\d+)/messages/(\d+)", self._edit_message),
            (r"PUT /channels/(\d+)/messages/(\d+)/reactions/([^/]+)/@me", self._react),
            (r"POST /users/@me/channels", self._open_dm),
            (r"GET /guilds/(\d+)/members/(\d+)", self._member),
        ]

    async def _me(self, *_: Any) -> web.Response:
        return _json(self.bot_user())

    async def _application(self, *_: Any) -> web.Response:
        return _json(
            {
                "id": APP_ID,
                "name": "Taskbot",
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": user_object("1100000000000000099", "owner"),
                "verify_key": "0" * 64,
                "flags": 0,
                "rpc_origins": [],
            }
        )

    async def _put_commands(
        self, request: web.Request, body: Any, _: Any, app: str
    ) -> web.Response:
        return _json(self._store_commands("global", body))

    async def _put_guild_commands(
        self, request: web.Request, body: Any, _: Any, app: str, guild: str
    ) -> web.Response:
        return _json(self._store_commands(guild, body, guild))

    def _store_commands(
        self, scope: str, body: Any, guild: str | None = None
    ) -> list[dict[str, Any]]:
        stored = []
        for command in body:
            stored.append(
                {
                    **command,
                    "id": self.snowflake(),
                    "application_id": APP_ID,
                    "version": self.snowflake(),
                    **({"guild_id": guild} if guild else {}),
                }
            )
        self.commands[scope] = stored
        return stored

    async def _callback(
        self, request: web.Request, body: Any, uploads: Any, interaction_id: str, token: str
    ) -> web.Response:
        record = self.interactions.get(interaction_id)
        if record is None or record.token != token:
            return _error(404, 10062, "Unknown interaction")
        if record.callback is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        waited = time.monotonic() - record.sent_at
        record.first_answer_after = waited
        if waited > self.answer_within:
            record.late = True
            self.refused.append(
                (f"callback {body.get('type')}", [f"came {waited:.1f} s after the interaction"])
            )
            return _error(404, 10062, "Unknown interaction")
        kind, data = body["type"], body.get("data") or {}
        if kind == 9:
            problems = modal_problems(data)
        elif kind in (4, 7):
            problems = sent_problems(data)
        else:
            problems = []
        if kind == 7 and record.payload.get("message") is None:
            problems.append("type: UPDATE_MESSAGE needs a message interaction")
        if kind == 9 and record.type == 5:
            problems.append("type: a modal submit cannot answer with a modal")
        if problems:
            self.refused.append((f"callback {kind}", problems))
            return _form_error(problems)
        record.callback, record.callback_data = kind, data
        resource: dict[str, Any] | None = None
        if kind == 4:
            message = self._create(record.payload["channel_id"], data, uploads, record)
            record.original_id = message["id"]
            resource = {"type": 4, "message": message}
        elif kind == 5:
            flags = LOADING | (data.get("flags", 0) & EPHEMERAL)
            message = self._create(record.payload["channel_id"], {"flags": flags}, [], record)
            record.original_id = message["id"]
            resource = {"type": 5, "message": message}
        elif kind in (6, 7):
            record.original_id = record.payload["message"]["id"]
            if kind == 7:
                self._update(record.original_id, data, uploads)
                resource = {"type": 7, "message": self.messages[record.original_id]}
        if kind != 5 and kind != 6:
            record.answered.set()
        answer: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": record.type,
                "response_message_id": record.original_id,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(
                    record.original_id
                    and self.messages.get(record.original_id, {}).get("flags", 0) & EPHEMERAL
                ),
            }
        }
        if resource is not None:
            answer["resource"] = resource
        return _json(answer)

    def _record_for(self, app: str, token: str) -> Interaction | None:
        if app != APP_ID:
            return None
        return next((r for r in self.interactions.values() if r.token == token), None)

    async def _edit_original(
        self, request: web.Request, body: Any, uploads: Any, app: str, token: str
    ) -> web.Response:
        record = self._record_for(app, token)
        if record is None or record.original_id is None:
            return _error(404, 10008, "Unknown Message")
        problems = sent_problems(body)
        if problems:
            self.refused.append(("edit original", problems))
            return _form_error(problems)
        message = self._update(record.original_id, body, uploads)
        message["flags"] = message.get("flags", 0) & ~LOADING
        record.edits += 1
        record.answered.set()
        return _json(message)

    async def _followup(
        self, request: web.Request, body: Any, uploads: Any, app: str, token: str
    ) -> web.Response:
        record = self._record_for(app, token)
        if record is None or record.callback is None:
            return _error(404, 10015, "Unknown Webhook")
        problems = sent_problems(body)
        if problems:
            self.refused.append(("followup", problems))
            return _form_error(problems)
        message = self._create(record.payload["channel_id"], body, uploads, record)
        record.followups.append(message["id"])
        record.answered.set()
        return _json(message)

    async def _edit_followup(
        self, request: web.Request, body: Any, uploads: Any, app: str, token: str, message_id: str
    ) -> web.Response:
        record = self._record_for(app, token)
        if record is None or message_id not in (*record.followups, record.original_id):
            return _error(404, 10008, "Unknown Message")
        problems = sent_problems(body)
        if problems:
            self.refused.append(("edit followup", problems))
            return _form_error(problems)
        record.edits += 1
        record.answered.set()
        return _json(self._update(message_id, body, uploads))

    async def _post_message(
        self, request: web.Request, body: Any, uploads: Any, channel_id: str
    ) -> web.Response:
        if channel_id not in self.channels and channel_id not in self.dm_channels.values():
            return _error(404, 10003, "Unknown Channel")
        nonce = body.get("nonce")
        problems = sent_problems(body)
        if isinstance(nonce, str):
            problems += _long("nonce", nonce, "nonce")
        if problems:
            self.refused.append(("post message", problems))
            return _form_error(problems)
        if nonce is not None and body.get("enforce_nonce"):
            seen = self.nonces.get(str(nonce))
            if seen is not None and time.monotonic() - seen[0] < NONCE_MEMORY:
                return _json(self.messages[seen[1]])
        message = self._create(channel_id, body, uploads)
        if nonce is not None:
            message["nonce"] = nonce
            if body.get("enforce_nonce"):
                self.nonces[str(nonce)] = (time.monotonic(), message["id"])
        return _json(message)

    async def _edit_message(
        self, request: web.Request, body: Any, uploads: Any, channel_id: str, message_id: str
    ) -> web.Response:
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != channel_id or message["flags"] & EPHEMERAL:
            return _error(404, 10008, "Unknown Message")
        problems = sent_problems(body)
        if problems:
            self.refused.append(("edit message", problems))
            return _form_error(problems)
        return _json(self._update(message_id, body, uploads))

    async def _react(
        self,
        request: web.Request,
        body: Any,
        uploads: Any,
        channel_id: str,
        message_id: str,
        emoji: str,
    ) -> web.Response:
        from urllib.parse import unquote

        if message_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        self.reactions.append((channel_id, message_id, unquote(emoji)))
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request, body: Any, *_: Any) -> web.Response:
        user_id = str(body["recipient_id"])
        channel_id = self.open_dm(user_id)
        return _json(
            {
                "id": channel_id,
                "type": 1,
                "last_message_id": None,
                "recipients": [user_object(user_id, f"user{user_id[-4:]}")],
                "flags": 0,
            }
        )

    async def _member(
        self, request: web.Request, body: Any, _: Any, guild: str, user: str
    ) -> web.Response:
        member = self.members.get(user)
        if guild != GUILD_ID or member is None:
            return _error(404, 10007, "Unknown Member")
        return _json(member)

    async def _file(self, request: web.Request) -> web.Response:
        self.downloads.append(request.path)
        content = self.files.get(request.match_info["id"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="text/plain")

    # -- messages ---------------------------------------------------------------------------

    def _create(
        self,
        channel_id: str,
        body: dict[str, Any],
        uploads: list[tuple[str, bytes]],
        record: Interaction | None = None,
    ) -> dict[str, Any]:
        message_id = self.snowflake()
        message = {
            "id": message_id,
            "channel_id": channel_id,
            "author": self.bot_user(),
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            **mentions(body, interaction=record is not None),
            "attachments": self._attachments(body, uploads, []),
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 20 if record is not None and record.type == 2 else 0,
            "flags": body.get("flags", 0) or 0,
        }
        if channel_id in self.channels:
            message["guild_id"] = GUILD_ID
        if record is not None:
            message["webhook_id"] = APP_ID
            message["application_id"] = APP_ID
        self.messages[message_id] = message
        return message

    def _update(
        self, message_id: str, body: dict[str, Any], uploads: list[tuple[str, bytes]]
    ) -> dict[str, Any]:
        message = self.messages[message_id]
        if "content" in body:
            message.update(mentions(body, interaction="webhook_id" in message))
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = (
                    body[key] if body[key] is not None else ([] if key != "content" else "")
                )
        if "attachments" in body:
            message["attachments"] = self._attachments(body, uploads, message["attachments"])
        message["edited_timestamp"] = _now()
        return message

    def _attachments(
        self, body: dict[str, Any], uploads: list[tuple[str, bytes]], existing: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        kept = {str(a["id"]): a for a in existing}
        result = [kept[str(a["id"])] for a in body.get("attachments") or [] if str(a["id"]) in kept]
        for name, content in uploads:
            result.append({**self.attach(name, content), "ephemeral": False})
        return result

    def file_content(self, attachment: dict[str, Any]) -> bytes:
        return self.files[attachment["id"]]


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


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """JSON, or multipart with payload_json and files[n] (how discord.py sends attachments)."""
    if request.content_type == "multipart/form-data":
        body: Any = {}
        uploads = []
        reader = await request.multipart()
        async for part in reader:  # type: ignore[union-attr]
            data = await part.read()  # type: ignore[union-attr]
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(data)
            else:
                uploads.append((part.filename or "file", bytes(data)))  # type: ignore[union-attr]
        return body, uploads
    raw = await request.read()
    return (json.loads(raw) if raw else {}), []


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status=status)


def _form_error(problems: list[str]) -> web.Response:
    return _json(
        {"code": 50035, "message": "Invalid Form Body", "errors": {"problems": problems}},
        status=400,
    )


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON as Discord sends it: Content-Type exactly application/json (discord.py checks)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
