"""The fake Discord's REST routes, and the messages they create and edit."""

from __future__ import annotations

import re
import time
from typing import Any

from aiohttp import web

from tests.discord_fake.http import _error, _form_error, _json, _rate_limited, _read_body
from tests.discord_fake.identity import APP_ID, BOT_ID, EPHEMERAL, GUILD_ID, LOADING, TOKEN
from tests.discord_fake.interactions import Interaction
from tests.discord_fake.limits import NONCE_MEMORY, _long, mentions, modal_problems, sent_problems
from tests.discord_fake.payloads import _now, user_object


class Rest:
    """The REST half of the fake: interaction callbacks, webhooks for follow-ups and edits,
    channel messages, reactions, direct messages, command registration and attachments."""

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
                return _rate_limited(
                    rule["retry_after"],
                    via=rule["via"],
                    scope=rule["global"],
                    charset=rule["charset"],
                    with_headers=rule["headers"],
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
                return self._lost(method, path) or answer
        return _error(404, 0, f"404: Not Found ({method} {path})")

    async def _held_back(self, method: str, path: str) -> None:
        for rule in self.held:
            if not rule["reached"] and rule["method"] == method and rule["path"].search(path):
                rule["reached"] = True
                await rule["release"].wait()
                return

    def _lost(self, method: str, path: str) -> web.Response | None:
        for rule in self.lost:
            matched = rule["method"] == method and rule["path"].search(path)
            if matched and rule["left"] > 0 and path not in rule["seen"]:
                rule["left"] -= 1
                rule["seen"].add(path)
                return web.Response(
                    status=rule["status"], text="<h1>Bad Gateway</h1>", content_type="text/html"
                )
        return None

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
            (r"GET /channels/(\d+)", self._channel),
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
        if not self.callback_bodies:
            return web.Response(status=204)
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
        if any(self.dm_channels.get(user) == channel_id for user in self.dms_closed):
            return _error(403, 50007, "Cannot send messages to this user")
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

    async def _channel(self, request: web.Request, body: Any, _: Any, channel: str) -> web.Response:
        found = self.channels.get(channel)
        return _json(found) if found is not None else _error(404, 10003, "Unknown Channel")

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
