"""The chat port on Slack's Web API: cards as Block Kit messages, forms as modals.

Private cards go where Slack keeps them private: an ephemeral message through the event's
response_url (or chat.postEphemeral), else a direct message. Cards are updated in place with
chat.update, or through the response_url for ephemeral ones.

A scheduled post (one with a `Once`) carries its key in the message's metadata; when an earlier
attempt may have reached Slack (`once.retry`), the channel's recent history is searched for that
key first, and a post found there is not sent again. A file carries no metadata: a retried upload
is found by its file name, which names its period.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import blocks
from adapters.slack.inbound import EMOJI_NAMES, SlackContext, user_key_to_id
from bot.events import Actor, MessageRef, Place
from bot.port import Once, PlaceRefused, Unreachable
from bot.ui import Card, FileUpload, Form

log = logging.getLogger(__name__)

ONCE_EVENT = "taskbot_post"
# What Slack answers a direct message that cannot reach the person (conversations.open documents
# the first five; chat.postMessage to a user id answers channel_not_found): the port's Unreachable.
NO_DIRECT_MESSAGES = {
    "user_disabled",
    "user_not_found",
    "user_not_visible",
    "cannot_dm_bot",
    "invalid_user_combination",
    "channel_not_found",
}
# What Slack answers a post into a channel the app may not post in, and what would let it.
CHANNEL_REFUSALS = {
    "not_in_channel": "the app is not in it; add it there (/invite @Taskbot in that channel)",
    "channel_not_found": (
        "the app cannot see it (a private channel it is not in, or a wrong id); add the app"
        " there (/invite @Taskbot), or fix the channel id in the configuration"
    ),
    "is_archived": "it is archived; unarchive it, or name another channel in the configuration",
    "restricted_action": (
        "the workspace lets only some members post there; let the app post, or name another"
        " channel in the configuration"
    ),
    "restricted_action_read_only_channel": (
        "it is read-only; let the app post there, or name another channel in the configuration"
    ),
}
# How far back a retry looks: a post whose send was cut short is among the channel's newest.
HISTORY_WINDOW = 200


# Direct messages a modal's handler sends wait for the modal's answer, as its cards do (their
# context carries `deferred`; a direct message has no context, so the handler's run does).
_after_answer: ContextVar[list[Callable[[], Awaitable[Any]]] | None] = ContextVar(
    "after_answer", default=None
)


@contextmanager
def direct_messages_after(replies: list[Callable[[], Awaitable[Any]]]) -> Iterator[None]:
    """Within this block, direct messages are queued on `replies` instead of sent."""
    token = _after_answer.set(replies)
    try:
        yield
    finally:
        _after_answer.reset(token)


class NotOnSlack(Exception):
    """A message for a user of another chat reached the Slack port."""


class SlackPort:
    """Implements the chat port with an AsyncWebClient (whose base_url may point anywhere)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    # -- the port --------------------------------------------------------------------------

    async def post_card(
        self,
        place: Place,
        card: Card,
        *,
        visibility: str = "public",
        to: Actor | None = None,
        context: Any = None,
        once: Once | None = None,
    ) -> MessageRef:
        slack = context if isinstance(context, SlackContext) else None
        if slack is not None and slack.deferred is not None:
            slack.deferred.append(
                lambda: self._post_now(place, card, visibility, to, _settled(slack))
            )
            return MessageRef(place.channel_id, f"pending-{uuid.uuid4().hex}")
        if once is not None and visibility == "public":
            return await self._post_once(place.channel_id, card, once, place.thread_id)
        return await self._post_now(place, card, visibility, to, slack)

    async def update_card(self, message: MessageRef, card: Card, *, context: Any = None) -> None:
        slack = context if isinstance(context, SlackContext) else None
        if slack is not None and slack.deferred is not None:
            slack.deferred.append(lambda: self._update_now(message, card, _settled(slack)))
            return
        await self._update_now(message, card, slack)

    async def send_direct(
        self, user: Actor | str, card: Card, *, once: Once | None = None
    ) -> MessageRef:
        user_id = user.user_id if isinstance(user, Actor) else user_key_to_id(user)
        if user_id is None or (isinstance(user, Actor) and user.platform != "slack"):
            raise NotOnSlack(f"{user} is not a Slack user; the Slack app cannot message them")
        replies = _after_answer.get()
        if replies is not None and once is None:
            replies.append(lambda: self.send_direct(user, card))
            return MessageRef("D" + user_id[1:], f"pending-{uuid.uuid4().hex}")
        with _to_reach(user.key if isinstance(user, Actor) else user):
            if once is not None:
                # The history of the app's direct messages is read by the channel's own id.
                opened = await self.client.conversations_open(users=user_id)
                return await self._post_once(opened["channel"]["id"], card, once)
            # A user id as the channel posts into the app's direct messages with that user.
            answer = await self.client.chat_postMessage(channel=user_id, **blocks.message(card))
        return MessageRef(answer["channel"], answer["ts"])

    async def open_form(self, form: Form, *, context: Any) -> None:
        slack: SlackContext = context
        if not slack.trigger_id:
            raise ValueError("a Slack modal needs the trigger_id of the click that asks for it")
        await self.client.views_open(
            trigger_id=slack.trigger_id, view=blocks.modal(form, slack.metadata())
        )

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        try:
            await self.client.reactions_add(
                channel=message.channel_id,
                timestamp=message.message_id,
                name=EMOJI_NAMES.get(emoji, emoji.strip(":")),
            )
        except SlackApiError as error:
            if error.response.get("error") != "already_reacted":
                raise

    async def upload_file(
        self, place: Place, upload: FileUpload, *, to: Actor | None = None, once: Once | None = None
    ) -> None:
        channel = place.channel_id
        if to is not None:
            # Exports are for the coordinator who asked: into their direct messages.
            opened = await self.client.conversations_open(users=to.user_id)
            channel = opened["channel"]["id"]
        if once is not None and once.retry:
            if await self._find(channel, lambda m: _shares_file(m, upload.filename)) is not None:
                log.info("%s was uploaded before the restart; not again", upload.filename)
                return
        await self.client.files_upload_v2(
            channel=channel,
            content=upload.content,
            filename=upload.filename,
            title=blocks.fitted(upload.filename, blocks.FALLBACK_TEXT),
            initial_comment=blocks.fitted(upload.comment, blocks.FALLBACK_TEXT)
            if upload.comment
            else None,
        )

    # -- how ------------------------------------------------------------------------------

    async def _post_once(
        self, channel: str, card: Card, once: Once, thread_ts: str | None = None
    ) -> MessageRef:
        """Post with the once-key in the message metadata, unless a retry finds it already."""
        if once.retry:
            found = await self._find(channel, lambda m: _carries(m, once.key))
            if found is not None:
                log.info("post %s reached Slack before the restart; not sent again", once.key)
                return MessageRef(channel, found)
        extra = {"thread_ts": thread_ts} if thread_ts else {}
        with _to_post_in(channel):
            answer = await self.client.chat_postMessage(
                channel=channel,
                **blocks.message(card),
                metadata={"event_type": ONCE_EVENT, "event_payload": {"key": once.key}},
                **extra,
            )
        return MessageRef(answer["channel"], answer["ts"])

    async def _find(self, channel: str, matches: Any) -> str | None:
        """The ts of the newest of the channel's recent messages that `matches`, if any.

        A history Slack will not show (a scope not granted) finds nothing: the post is sent,
        as it was before this lookup existed, rather than held back for good. A history Slack
        will not show *yet* (rate-limited past the wait) raises: the post stays pending for the
        next run, where posting now could show it twice.
        """
        try:
            history = await self.client.conversations_history(
                channel=channel, limit=HISTORY_WINDOW, include_all_metadata=True
            )
        except SlackApiError as error:
            if error.response.get("error") == "ratelimited":
                raise
            log.warning(
                "could not read %s's history (%s); posting again", channel, error.response["error"]
            )
            return None
        for message in history.get("messages") or []:
            if isinstance(message, dict) and matches(message):
                return str(message.get("ts"))
        return None

    async def _post_now(
        self,
        place: Place,
        card: Card,
        visibility: str,
        to: Actor | None,
        slack: SlackContext | None,
    ) -> MessageRef:
        if slack is not None and slack.home and to is not None:
            # On the App Home tab a private card is the person's home view, published for them.
            view = {"type": "home", "blocks": blocks.card_blocks(card)}
            await self.client.views_publish(user_id=to.user_id, view=view)
            return MessageRef(place.channel_id, f"home-{to.user_id}")
        body = blocks.message(card)
        if visibility == "private" and to is not None:
            if slack is not None and slack.response_url:
                if await self.respond(slack.response_url, {**body, "response_type": "ephemeral"}):
                    return MessageRef(place.channel_id, f"ephemeral-{uuid.uuid4().hex}")
            if place.channel_id and not place.direct:
                try:
                    answer = await self.client.chat_postEphemeral(
                        channel=place.channel_id, user=to.user_id, **body
                    )
                    return MessageRef(place.channel_id, f"ephemeral-{answer['message_ts']}")
                except SlackApiError as error:
                    log.info("ephemeral post refused (%s); sending a DM", error.response["error"])
            return await self.send_direct(to, card)
        extra = {"thread_ts": place.thread_id} if place.thread_id else {}
        with _to_post_in(place.channel_id):
            answer = await self.client.chat_postMessage(channel=place.channel_id, **body, **extra)
        return MessageRef(answer["channel"], answer["ts"])

    async def _update_now(
        self, message: MessageRef, card: Card, slack: SlackContext | None
    ) -> None:
        body = blocks.message(card)
        ephemeral = message.message_id.startswith("ephemeral-") or (
            slack is not None and slack.ephemeral
        )
        if ephemeral:
            # Ephemeral messages have no ts for chat.update: only their response_url reaches them.
            if slack is not None and slack.response_url:
                if await self.respond(slack.response_url, {**body, "replace_original": True}):
                    return
            if slack is not None:
                # The response_url is spent or expired (30 minutes: a long answer in a modal):
                # the card is shown afresh where a new private card goes, ephemeral in the
                # channel or, where Slack refuses that (the app is not in the channel), by DM.
                place = Place(slack.channel_id, direct=slack.channel_id.startswith("D"))
                fresh = replace(slack, response_url=None)
                await self._post_now(place, card, "private", Actor("slack", slack.user_id), fresh)
            return
        await self.client.chat_update(channel=message.channel_id, ts=message.message_id, **body)

    async def respond(self, url: str, body: dict[str, Any]) -> bool:
        """Post to an interaction's response_url; False when Slack refuses (spent or expired)."""
        webhook = AsyncWebhookClient(
            url, session=self.client.session, retry_handlers=self.client.retry_handlers
        )
        answer = await webhook.send_dict(body)
        if answer.status_code == 200 and not _refused_body(answer.body):
            return True
        log.info("response_url refused (%s %s)", answer.status_code, answer.body[:200])
        return False


def _refused_body(body: str) -> bool:
    """Whether a response_url's 200 says it was refused after all: Slack answers `ok` as text,
    but a refusal may come as JSON `{"ok": false, "error": …}` with status 200."""
    if not body.lstrip().startswith("{"):
        return False
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("ok") is False


@contextmanager
def _to_reach(user: str) -> Iterator[None]:
    """A direct message to `user`: Slack's answer that none reaches them (deactivated, not
    visible to the app, a bot) becomes the port's Unreachable, which the bot knows to handle."""
    try:
        yield
    except SlackApiError as error:
        if error.response.get("error") in NO_DIRECT_MESSAGES:
            raise Unreachable(user) from error
        raise


@contextmanager
def _to_post_in(channel: str) -> Iterator[None]:
    """A post into `channel`: Slack's answer that the app may not post there (not in it, cannot
    see it, archived, restricted) becomes the port's PlaceRefused, saying what would let it."""
    try:
        yield
    except SlackApiError as error:
        advice = CHANNEL_REFUSALS.get(str(error.response.get("error")))
        if advice is not None:
            raise PlaceRefused(channel, advice) from error
        raise


def _carries(message: dict[str, Any], key: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == ONCE_EVENT and payload.get("key") == key


def _shares_file(message: dict[str, Any], filename: str) -> bool:
    return any(f.get("name") == filename for f in message.get("files") or [] if isinstance(f, dict))


def _settled(context: SlackContext) -> SlackContext:
    """The same context, for running a deferred reply (which must not defer again)."""
    return replace(context, deferred=None)
