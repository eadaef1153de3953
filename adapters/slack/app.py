"""The slack-bolt AsyncApp: every listener acks within Slack's 3 seconds, then hands a neutral
event to the bot.

Commands, buttons and the import shortcut are acknowledged at once and handled after. A modal is
answered only after its handler has committed (so `response_action: errors` can keep it open),
and the card updates it causes follow the answer. Events (reactions, the App Home tab opened) are
handled once per event_id, whichever process Slack delivers them to, however often it retries.

Bolt runs each listener before it answers (`process_before_response`), and a listener starts the
work after its ack as a task of its own (`WorkInFlight.start`, which queues it while every slot
is busy): the answer goes out as soon as the listener returns, where bolt's default would poll
every 10 ms for the ack from a listener task.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, files, inbound, payloads, retries, signing
from adapters.slack.files import SlackFiles
from adapters.slack.port import SlackPort, direct_messages_after
from adapters.slack.refusals import refusal_notice, slack_refusals
from bot import render
from bot.app import Taskbot
from bot.config import Config
from bot.events import Actor
from bot.inflight import Finish, WorkInFlight
from bot.port import Unreachable
from bot.ui import FormErrors

log = logging.getLogger(__name__)

# Work after an ack runs at most this many at a time, so a burst of commands queues instead of
# crowding the event loop that must ack the next request within Slack's 3 seconds.
WORK_IN_FLIGHT = 64
# The largest body Slack can send: a view_submission carries the whole view (at most
# blocks.VIEW_BYTES = 250 kB as UTF-8 JSON) plus state.values, as JSON in a form field. Slack's
# JSON may escape each character (an emoji as 12 bytes of \u escapes, `/` as `\/`) and the form
# encoding makes each escaped byte up to 3: at most 6 bytes per byte of the view's UTF-8 (1.5 MB),
# and 16 per character of the answers (ten 3,000-character text answers of emoji: 480 kB; forty
# chosen options: under 60 kB). About 2.1 MB at worst: 4 MiB leaves room for what Slack adds.
VIEW_SUBMISSION_BYTES = 4 * 1024 * 1024
# Slack waits 3 seconds for a modal's answer; a rate limit met before it is waited out only
# while the answer can still be on time.
MODAL_ANSWER_SECONDS = 2.0

IMPORT_HELP = (
    "Upload the JSONL or CSV file to Slack, then choose *Import batch* from the file message's "
    "⋯ menu, or run `{slash} import <file link>` (a CSV with the link of its settings .json "
    "beside it)."
)
BARE_ID_HELP = (
    "{} is a file id; paste the file's link instead (the file's ⋯ menu → *Copy link*), so the "
    "bot knows what kind of file it is before fetching it."
)


@dataclass(frozen=True)
class SlackSecrets:
    """The app's credentials, from the environment."""

    bot_token: str
    signing_secret: str
    app_token: str | None = None


class SlackApp:
    """Taskbot on Slack: a bolt AsyncApp whose listeners translate and dispatch."""

    def __init__(self, build_bot: Any, config: Config, secrets: SlackSecrets) -> None:
        settings = config.slack
        self.config = config
        self.secrets = secrets
        self.client = AsyncWebClient(
            token=secrets.bot_token,
            base_url=settings.api_url,
            retry_handlers=retries.retry_handlers(),
        )
        self.port = SlackPort(self.client)
        self.bot: Taskbot = build_bot(
            self.port, settings.review_channel, settings.coordinator_channel, "slack"
        )
        self.bot.use(slack_refusals)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=secrets.signing_secret,
            process_before_response=True,
            raise_error_for_unhandled_request=False,
        )
        self.commands = {slash: name for name, slash in settings.commands.items()}
        self.files = SlackFiles(self.client, secrets.bot_token)
        # Requests being answered and work already acknowledged, for a stop that loses nothing.
        self.work = WorkInFlight("Slack work", WORK_IN_FLIGHT)
        for slash in self.commands:
            self.bolt.command(slash)(self._on_command)
        # Listeners match in order: a command renamed in Slack but not here gets a clear answer.
        self.bolt.command(re.compile(".*"))(self._on_unknown_command)
        self.bolt.action(re.compile(".+"))(self._on_action)
        self.bolt.view(re.compile(".+"))(self._on_view)
        # A modal dismissed (Slack sends it only for views asking notify_on_close): acknowledged,
        # nothing to do (a draft keeps what was saved before).
        self.bolt.view_closed(re.compile(".+"))(self._on_view_closed)
        self.bolt.shortcut(settings.import_shortcut)(self._on_import_shortcut)
        self.bolt.event("reaction_added")(self._on_reaction)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        # Any other event (one a newer manifest subscribes to, or Slack adds) is acknowledged:
        # bolt would answer 404, and Slack retries and in the end disables the subscription.
        self.bolt.event(re.compile(".*"))(self._on_other_event)

    # -- HTTP ------------------------------------------------------------------------------

    async def open(self) -> None:
        """One HTTP session for every Web API call and response_url (not one per call)."""
        if self.client.session is None or self.client.session.closed:
            # Compact UTF-8 JSON, the bytes the modal was measured in (blocks.VIEW_BYTES).
            self.client.session = aiohttp.ClientSession(json_serialize=blocks.wire_json)

    async def close(self) -> None:
        if self.client.session is not None:
            await self.client.session.close()

    def web_app(self) -> web.Application:
        """`POST {path}` for everything Slack sends, `GET /healthz` for load balancers."""
        app = web.Application(client_max_size=VIEW_SUBMISSION_BYTES)
        app.router.add_post(self.config.slack.path, self._dispatch)
        app.router.add_get("/healthz", _healthz)

        async def opened(_: web.Application) -> None:
            await self.open()

        async def closed(_: web.Application) -> None:
            await self.close()

        app.on_startup.append(opened)
        app.on_cleanup.append(closed)
        return app

    async def _dispatch(self, request: web.Request) -> web.Response:
        """Refuse what Slack did not sign (401) or could not have sent (400); bolt gets the rest.
        A request counts as work in flight once it is known to be Slack's (a stop does not wait
        on a client that never finishes sending)."""
        body = await request.read()
        text = signing.signed_text(request.headers, body, self.secrets.signing_secret, time.time())
        if text is None:
            return web.json_response({"error": "invalid request"}, status=401)
        with self.work.working():
            if self.work.draining:  # stopping: Slack shows the person an error, nothing is lost
                return web.Response(
                    status=503, text="Taskbot is restarting", headers={"Retry-After": "5"}
                )
            try:
                parsed = signing.request_body(text, request.content_type)
                if parsed is signing.SSL_CHECK:
                    return web.Response(status=200)
                if parsed.get("type") == "app_rate_limited":
                    # Slack counts every answer but 200 as a failed delivery (and disables the
                    # subscription past 5 %); there is nothing to do but note it.
                    log.warning("Slack is rate-limiting this app's events: %s", parsed)
                    return web.Response(status=200)
                problem = inbound.shape_problem(parsed)
            except signing.NotFromSlack as refused:
                problem = str(refused)
            if problem is not None:
                log.warning("a signed request Slack could not have sent: %s", problem)
                return web.json_response({"error": problem}, status=400)
            # Bolt gets the body parsed and verified once, here: "socket_mode" is bolt's mode for
            # a request that arrives as a dict and already trusted, so it neither parses the text
            # again nor checks the signature twice (both on the path to every ack).
            bolt_request = AsyncBoltRequest(
                body=parsed, query=request.query_string, headers=request.headers, mode="socket_mode"
            )
            return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    # -- stopping --------------------------------------------------------------------------

    async def drain(self, finish: Finish) -> None:
        """Turn new work away and wait (bounded) for what is in flight; see bot.inflight."""
        await self.work.drain(finish)

    # -- listeners -------------------------------------------------------------------------

    async def _on_command(self, ack: Any, body: payloads.SlashCommand) -> None:
        await ack()
        self.work.start(self._command(body))

    async def _on_unknown_command(self, ack: Any, body: payloads.SlashCommand) -> None:
        known = ", ".join(self.commands)
        await ack(
            text=blocks.escape(
                f"This app does not answer {body['command'][:40]}; it answers {known}."
            ),
            response_type="ephemeral",
        )

    async def _command(self, body: payloads.SlashCommand) -> None:
        name = self.commands[body["command"]]
        event = inbound.command_event(body, name)
        if name == "batch" and event.args[:1] == ("import",):
            links, bare_ids = files.linked_files(str(body.get("text", "")))
            if bare_ids:
                await self.bot.tell(
                    event, "Paste the file's link", BARE_ID_HELP.format(bare_ids[0])
                )
                return
            if not links:
                await self.bot.tell(
                    event, "Attach a file", IMPORT_HELP.format(slash=body["command"])
                )
                return
            # Lazy: the bot checks the role and the size before anything is fetched.
            attachments = tuple(self.files.attachment(file_id, name) for file_id, name in links)
            event = inbound.command_event(body, name, attachments)
        await self.bot.handle(event)

    async def _on_import_shortcut(self, ack: Any, body: payloads.MessageShortcut) -> None:
        await ack()
        self.work.start(self._import_shortcut(body), slotted=False)

    async def _import_shortcut(self, body: payloads.MessageShortcut) -> None:
        shared = files.shared_files((body.get("message") or {}).get("files") or [])
        user = body["user"]
        # The shortcut is /batch import with the message's files attached.
        as_command: payloads.SlashCommand = {
            "command": self.config.slack.commands["batch"],
            "user_id": user["id"],
            "user_name": user.get("username") or user.get("name", ""),
            "channel_id": (body.get("channel") or {}).get("id", ""),
            "response_url": body.get("response_url"),
            "trigger_id": body.get("trigger_id"),
            "text": "import",
        }
        event = inbound.command_event(as_command, "batch")
        if not shared:
            await self.bot.tell(
                event, "No file here", "Use *Import batch* on a message with a file."
            )
            return
        # The payload carries each file's name and size: the bot refuses a writer, or a file
        # over the limit, before anything is fetched.
        attachments = tuple(self.files.attachment(*item) for item in shared)
        await self.bot.handle(inbound.command_event(as_command, "batch", attachments))

    async def _on_action(self, ack: Any, body: payloads.BlockActions) -> None:
        await ack()
        self.work.start(self._action(body))

    async def _action(self, body: payloads.BlockActions) -> None:
        await self.bot.handle(inbound.action_event(body))

    async def _on_view_closed(self, ack: Any) -> None:
        await ack()

    async def _on_view(self, ack: Any, body: payloads.ViewSubmission) -> None:
        with self.work.working():
            await self._view(ack, body)

    async def _view(self, ack: Any, body: payloads.ViewSubmission) -> None:
        event = inbound.form_event(body)
        deferred = event.context.deferred
        with retries.answer_by(MODAL_ANSWER_SECONDS), direct_messages_after(deferred):
            answer = await self.bot.handle(event)
        if isinstance(answer, FormErrors) and answer.errors:
            await ack(response_action="errors", errors=blocks.form_errors(answer.errors))
        else:
            await ack()
        if deferred:
            self.work.start(self._deferred(deferred, event.actor), slotted=False)

    async def _deferred(self, replies: list[Callable[[], Awaitable[Any]]], actor: Actor) -> None:
        """The card updates and direct messages a modal's submission caused, after the modal's
        answer; what Slack refuses there is told to the person who submitted, by direct message
        (the modal is closed), as a refusal before the answer is."""
        told = False
        for reply in replies:
            try:
                await reply()
            except (Unreachable, SlackApiError, aiohttp.ClientError) as error:
                log.warning("a reply after a modal failed: %s", error)
                if told or (isinstance(error, Unreachable) and error.user == actor.key):
                    continue
                told = True
                title, text = refusal_notice(error)
                try:
                    await self.port.send_direct(actor, render.notice_card(title, text, "warning"))
                except (Unreachable, SlackApiError, aiohttp.ClientError) as failed:
                    log.warning("could not tell %s either: %s", actor.key, failed)

    async def _on_reaction(
        self, body: payloads.EventCallback, event: payloads.ReactionAdded
    ) -> None:
        self.work.start(self._reaction(body, event), slotted=False)

    async def _reaction(self, body: payloads.EventCallback, event: payloads.ReactionAdded) -> None:
        reaction = inbound.reaction_event(event, body.get("event_id"))
        if reaction is not None:  # the pipeline handles each event_id once, however often sent
            await self.bot.handle(reaction)

    async def _on_other_event(self, body: payloads.EventCallback) -> None:
        log.info("an event the app does not read: %s", body["event"]["type"][:60])

    async def _on_home_opened(
        self, body: payloads.EventCallback, event: payloads.AppHomeOpened
    ) -> None:
        """The App Home tab: acknowledged at once; the pipeline publishes the person's home card
        (once per event_id, however often Slack retries)."""
        home = inbound.home_event(event, body.get("event_id"))
        if home is not None:
            self.work.start(self.bot.handle(home))


async def _healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})
