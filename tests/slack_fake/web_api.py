"""The fake Slack's server on 127.0.0.1: the Web API methods Taskbot calls, response_urls, file
downloads and uploads, and Socket Mode's WebSocket — answering like Slack, `invalid_blocks`
included (see limits.py).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.slack_fake.files import FakeFiles, SharedFile
from tests.slack_fake.limits import block_problems, view_problems
from tests.slack_fake.records import BOT_TOKEN, Message, ResponseUrl, error, ok

APP_TOKEN = "xapp-test-token"
# How Slack refuses each method in a public channel the app has not joined (chat.postEphemeral
# documents channel_not_found, the others not_in_channel).
_MEMBERS_ONLY = {
    "chat.postMessage": "not_in_channel",
    "chat.postEphemeral": "channel_not_found",
    "chat.update": "not_in_channel",
    "reactions.add": "not_in_channel",
}
BOT_USER = "U0TASKBOT"
# views.open, views.update and views.push answer `view_too_large` for "a view greater than 250kb";
# counted conservatively: the bytes of the JSON the app sent (a JSON body whole, else the field).
VIEW_BYTES = 250_000


@dataclass
class FakeSlack(FakeFiles):
    """The fake Slack's state; `calls` records every Web API call in order."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: dict[tuple[str, str], Message] = field(default_factory=dict)
    response_urls: dict[str, ResponseUrl] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)  # App Home views by user
    reactions: list[tuple[str, str, str]] = field(default_factory=list)
    files: dict[str, SharedFile] = field(default_factory=dict)
    uploads: list[dict[str, Any]] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)  # file ids whose bytes were fetched
    socket_inbox: asyncio.Queue = field(default_factory=asyncio.Queue)  # what the app sent back
    socket_outbox: asyncio.Queue = field(default_factory=asyncio.Queue)  # envelopes to deliver
    # Answers queued per method (or "response_url"): (HTTP status, error, Retry-After or None,
    # the answer's other fields, such as missing_scope's `needed` and `provided`).
    failures: dict[str, list[tuple[int, str, int | None, dict[str, Any]]]] = field(
        default_factory=dict
    )
    # Public channels the app is not a member of: a person can use a slash command there (its
    # response_url works), but Slack answers the app's own posts there `not_in_channel`.
    outside: set[str] = field(default_factory=set)
    # Users deactivated in the workspace: no direct message reaches them.
    deactivated: set[str] = field(default_factory=set)
    # How a spent or expired response_url is refused (status, body): 404 with the error as text,
    # or, as some proxies in front of Slack answer, 200 with {"ok": false, "error": …}.
    spent_answer: tuple[int, str] = (404, "{error}")
    url: str = ""
    sent_view_bytes: int = 0  # the size of the last request's view, as sent
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk reads files.info with GET
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests ask ---------------------------------------------------------------------

    def next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def issue_response_url(self, user: str, channel: str, message_ts: str | None = None) -> str:
        key = f"r{len(self.response_urls) + 1}"
        self.response_urls[key] = ResponseUrl(user, channel, message_ts)
        return f"{self.url}/respond/{key}"

    def fail_next(
        self,
        method: str,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        **fields: Any,
    ) -> None:
        """The next call of `method` is refused as Slack refuses it: `ok: false` with `error`
        and any other `fields` (a 429 `ratelimited` carries Retry-After); the call after it is
        served."""
        self.failures.setdefault(method, []).append((status, error, retry_after, fields))

    def _refusal(self, method: str) -> web.Response | None:
        queued = self.failures.get(method)
        if not queued:
            return None
        status, problem, retry_after, fields = queued.pop(0)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        if method == "response_url":
            return web.Response(status=status, text=problem, headers=headers)
        body = {"ok": False, "error": problem, **fields}
        return web.json_response(body, status=status, headers=headers)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    # -- the Web API -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)  # slack_sdk sends some methods' args here
        raw = await request.read()
        if request.method == "GET":
            pass
        elif request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(await request.post())
        view = args.get("view")
        self.sent_view_bytes = len(raw if not isinstance(view, str) else view.encode())
        for key in ("blocks", "view", "files", "attachments", "metadata"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append((method, args))
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return error("invalid_auth")
        refused = self._refusal(method)
        if refused is not None:
            return refused
        if method in _MEMBERS_ONLY and str(args.get("channel", "")) in self.outside:
            return error(_MEMBERS_ONLY[method])
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            return error("unknown_method")
        return await handler(args)

    async def m_auth_test(self, args: dict[str, Any]) -> web.Response:
        return ok(
            url="https://writers.slack.com/",
            team="Writers",
            user="taskbot",
            team_id="T0TASKBOT",
            user_id=BOT_USER,
            bot_id="B0TASKBOT",
            is_enterprise_install=False,
        )

    async def m_chat_postMessage(self, args: dict[str, Any]) -> web.Response:
        problems = block_problems(args.get("blocks", []), "message")
        if problems:
            return error("invalid_blocks", problems)
        channel = str(args["channel"])
        if channel in self.deactivated or "U" + channel[1:] in self.deactivated:
            return error("channel_not_found")
        if channel.startswith("U"):
            channel = "D" + channel[1:]  # the app's direct messages with that user
        elif not channel.startswith(("C", "D", "G")):
            return error("channel_not_found")
        metadata = args.get("metadata")
        if metadata is not None and not (
            isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
            and isinstance(metadata.get("event_payload"), dict)
        ):
            return error("invalid_metadata_format")
        message = Message(
            channel,
            self.next_ts(),
            args.get("text", ""),
            args.get("blocks", []),
            thread_ts=args.get("thread_ts"),
            metadata=metadata,
        )
        self.messages[(channel, message.ts)] = message
        return ok(channel=channel, ts=message.ts, message={"ts": message.ts, "text": message.text})

    async def m_conversations_history(self, args: dict[str, Any]) -> web.Response:
        """Newest first, at most `limit` (default 100, at most 999), metadata only when asked."""
        channel = str(args.get("channel", ""))
        if not channel.startswith(("C", "D", "G")):
            return error("channel_not_found")
        limit = min(int(args.get("limit") or 100), 999)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        shown = sorted(
            (m for m in self.messages.values() if m.channel == channel and not m.ephemeral),
            key=lambda m: m.ts,
            reverse=True,
        )
        page = []
        for message in shown[:limit]:
            item: dict[str, Any] = {
                "type": "message",
                "ts": message.ts,
                "text": message.text,
                "blocks": message.blocks,
            }
            if message.bot:
                item.update(user=BOT_USER, bot_id="B0TASKBOT", app_id="A0TASKBOT")
            elif message.user:
                item["user"] = message.user
            if message.files:
                item.update(files=message.files, upload=True)
            if with_metadata and message.metadata is not None:
                item["metadata"] = message.metadata
            page.append(item)
        return ok(
            messages=page,
            has_more=len(shown) > limit,
            pin_count=0,
            response_metadata={"next_cursor": ""},
        )

    async def m_chat_postEphemeral(self, args: dict[str, Any]) -> web.Response:
        problems = block_problems(args.get("blocks", []), "message")
        if problems:
            return error("invalid_blocks", problems)
        message = Message(
            str(args["channel"]),
            self.next_ts(),
            args.get("text", ""),
            args.get("blocks", []),
            user=str(args["user"]),
            ephemeral=True,
        )
        self.messages[(message.channel, message.ts)] = message
        return ok(message_ts=message.ts)

    async def m_chat_update(self, args: dict[str, Any]) -> web.Response:
        problems = block_problems(args.get("blocks", []), "message")
        if problems:
            return error("invalid_blocks", problems)
        message = self.messages.get((str(args["channel"]), str(args["ts"])))
        if message is None or message.ephemeral:
            return error("message_not_found")
        message.text, message.blocks = args.get("text", ""), args.get("blocks", [])
        message.version += 1
        return ok(channel=message.channel, ts=message.ts, text=message.text)

    async def m_views_publish(self, args: dict[str, Any]) -> web.Response:
        view = args.get("view")
        if not args.get("user_id") or not isinstance(view, dict) or view.get("type") != "home":
            return error("invalid_arguments")
        if len(view.get("blocks") or []) > 100:
            return error("invalid_blocks")
        self.homes[str(args["user_id"])] = view
        return ok(view={**view, "id": f"VH{len(self.homes):05d}"})

    async def m_views_open(self, args: dict[str, Any]) -> web.Response:
        if not args.get("trigger_id"):
            return error("invalid_trigger_id")
        problems = view_problems(args.get("view"))
        if problems:
            return error("invalid_arguments", problems)
        if self.sent_view_bytes > VIEW_BYTES:
            return error("view_too_large")
        view = {**args["view"], "id": f"V{len(self.views) + 1:06d}", "app_id": "A0TASKBOT"}
        self.views.append(view)
        return ok(view=view)

    async def m_reactions_add(self, args: dict[str, Any]) -> web.Response:
        key = (str(args["channel"]), str(args["timestamp"]), str(args["name"]))
        if (key[0], key[1]) not in self.messages:
            return error("message_not_found")
        if key in self.reactions:
            return error("already_reacted")
        self.reactions.append(key)
        return ok()

    async def m_conversations_open(self, args: dict[str, Any]) -> web.Response:
        users = str(args["users"])
        if users in self.deactivated:
            return error("user_disabled")
        return ok(channel={"id": "D" + users[1:]})

    async def m_apps_connections_open(self, args: dict[str, Any]) -> web.Response:
        return ok(url=self.url.replace("http://", "ws://") + "/socket")

    # -- beyond the Web API -------------------------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        issued = self.response_urls.get(request.match_info["key"])
        if issued is None or issued.expired or issued.uses >= 5:
            status, body = self.spent_answer
            spent = "used_url" if issued is not None and issued.uses >= 5 else "expired_url"
            return web.Response(status=status, text=body.format(error=spent))
        refused = self._refusal("response_url")
        if refused is not None:
            return refused
        issued.uses += 1
        body = await request.json()
        self.calls.append(("response_url", body))
        problems = block_problems(body.get("blocks", []), "message")
        if problems:
            return web.Response(status=400, text="invalid_blocks: " + "; ".join(problems))
        if body.get("replace_original") and issued.message_ts:
            message = self.messages[(issued.channel, issued.message_ts)]
            message.text, message.blocks = body.get("text", ""), body.get("blocks", [])
            message.version += 1
            return web.Response(text="ok")
        in_channel = body.get("response_type") == "in_channel"
        message = Message(
            issued.channel,
            self.next_ts(),
            body.get("text", ""),
            body.get("blocks", []),
            user=None if in_channel else issued.user,
            ephemeral=not in_channel,
        )
        self.messages[(message.channel, message.ts)] = message
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0TASKBOT"}}
        )

        async def deliver() -> None:
            while True:
                await socket.send_json(await self.socket_outbox.get())

        sender = asyncio.get_running_loop().create_task(deliver())
        try:
            async for frame in socket:
                if frame.type == WSMsgType.TEXT:
                    await self.socket_inbox.put(json.loads(frame.data))
        finally:
            sender.cancel()
        return socket
