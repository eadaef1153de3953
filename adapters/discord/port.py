"""The chat port on discord.py: cards as embeds with components, forms as modals.

Inside an interaction, replies go through it: the first one as the interaction's response (an
ephemeral message, an update of the clicked card, or a modal), later ones as follow-ups or edits
of the original response. Outside one (the scheduler, reactions), cards go to channels and direct
messages through the REST API. Direct messages are paced, so a tally to many writers stays
under Discord's rate limits; discord.py waits out any 429 that comes anyway.

A scheduled post (`once` given) is created with its once-key as the message `nonce`, with
`enforce_nonce` (discord.py sends it with every nonce): a second create with that nonce within a
few minutes returns the first message instead of showing another, which closes the window of a
crash after Discord took the post but before it was marked sent. (discord.py picks a random
nonce otherwise, which only helps its own retries: after a crash the retry's nonce differs.)
Discord keeps nonces only a few minutes; a retry later than that can show a post twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

import discord

from adapters.discord import custom_ids, draw, limits
from adapters.discord.inbound import DiscordContext, user_key_to_id
from adapters.discord.retry import responding, retrying
from bot.events import Actor, MessageRef, Place
from bot.port import Once, PlaceRefused, Unreachable
from bot.ui import Button, Card, ControlRow, FileUpload, Form

log = logging.getLogger(__name__)

NONCE_LENGTH = 25  # Discord's limit on a message nonce
# Discord's codes for a channel the bot may not post in, and what would let it.
CHANNEL_REFUSALS = {
    10003: "there is no such channel; fix the channel id in the configuration",
    50001: (
        "the bot cannot see it; give Taskbot's role View Channel there (with Send Messages,"
        " Embed Links, Add Reactions and Read Message History), or fix the channel id in the"
        " configuration"
    ),
    50013: (
        "the bot lacks a permission there; give Taskbot's role Send Messages, Embed Links,"
        " Attach Files, Add Reactions and Read Message History in that channel"
    ),
}
CANNOT_MESSAGE_USER = 50007  # Discord's code: the user takes no direct messages from the bot
# Discord's codes for a card there is no longer any updating: Unknown Channel, Unknown Message,
# Missing Access (the bot was shut out of the channel).
CARD_GONE = (10003, 10008, 50001)
# A refused form is kept as typed for its "Fix it…" button (Discord closes a modal on submit):
# for this long, and for at most this many people at once.
TYPED_KEPT_SECONDS = 15 * 60
TYPED_KEPT_MOST = 1000


class NotOnDiscord(Exception):
    """A message for a user of another chat reached the Discord port."""


class Pacer:
    """At most `per_second` starts a second, in order of arrival."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self.interval


class DiscordPort:
    """Implements the chat port with a discord.py client."""

    def __init__(self, client: discord.Client, direct_per_second: float = 5.0) -> None:
        self.client = client
        self.pacer = Pacer(direct_per_second)
        self._typed: OrderedDict[tuple[int, str], tuple[float, Form]] = OrderedDict()

    # -- forms refused as typed ------------------------------------------------------------

    def keep_typed(self, user_id: int, form: Form) -> None:
        """A form refused on submit, with what the person typed and the errors beside it: the
        next time this form opens for them, it opens so (not from the saved draft, which a
        refused answer never reached)."""
        key = (user_id, form.form_id)
        self._typed[key] = (time.monotonic(), form)
        self._typed.move_to_end(key)
        while len(self._typed) > TYPED_KEPT_MOST:
            self._typed.popitem(last=False)

    def forget_typed(self, user_id: int, form_id: str) -> None:
        """The form went through: what was typed is saved, or no longer wanted."""
        self._typed.pop((user_id, form_id), None)

    def _as_typed(self, user_id: int, form: Form) -> Form:
        kept = self._typed.pop((user_id, form.form_id), None)
        if kept is None or time.monotonic() - kept[0] > TYPED_KEPT_SECONDS:
            return form
        return kept[1]

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
        ctx = _interaction_context(context)
        if visibility == "private" and ctx is not None:
            return await self._reply(ctx, draw.message(card), place)
        if visibility == "private" and to is not None:
            return await self.send_direct(to, card, once=once)
        channel = self.client.get_partial_messageable(int(place.channel_id))
        drawn = draw.message(card)
        async with _to_post_in(place.channel_id):
            sent = await retrying(
                lambda: channel.send(**drawn.send_kwargs(), **_nonce(once)), "a channel post"
            )
        return MessageRef(place.channel_id, str(sent.id))

    async def update_card(self, message: MessageRef, card: Card, *, context: Any = None) -> None:
        ctx = _interaction_context(context)
        if ctx is None:
            await self._edit_by_rest(message, draw.message(card))
            return
        interaction = ctx.interaction
        assert interaction is not None
        drawn = draw.message(card, ctx.card_page)
        async with ctx.lock:
            clicked = interaction.message is not None and str(interaction.message.id) == (
                message.message_id
            )
            response = interaction.response
            if clicked and not response.is_done():
                await responding(
                    interaction,
                    lambda: response.edit_message(**drawn.edit_kwargs()),
                    "an update",
                    answer=discord.InteractionResponseType.message_update,
                )
                return
            if clicked and response.type in (
                discord.InteractionResponseType.deferred_message_update,
                discord.InteractionResponseType.message_update,
            ):
                await retrying(
                    lambda: interaction.edit_original_response(**drawn.edit_kwargs()), "an edit"
                )
                return
            if message.message_id.isdigit() and int(message.message_id) in ctx.created:
                await retrying(
                    lambda: interaction.followup.edit_message(
                        int(message.message_id), **drawn.edit_kwargs()
                    ),
                    "an edit",
                )
                return
        if clicked or interaction.message is None:
            # The card can't be reached from here (e.g. an ephemeral one): show it afresh.
            await self._reply(ctx, drawn, Place(message.channel_id))
            return
        await self._edit_by_rest(message, drawn)

    async def send_direct(
        self, user: Actor | str, card: Card, *, once: Once | None = None
    ) -> MessageRef:
        user_id = int(user.user_id) if isinstance(user, Actor) else user_key_to_id(user)
        if user_id is None or (isinstance(user, Actor) and user.platform != "discord"):
            raise NotOnDiscord(f"{user} is not a Discord user; the Discord bot cannot message them")
        await self.pacer.wait()
        drawn = draw.message(card)
        async with _to_reach(f"discord:{user_id}"):
            channel = await retrying(
                lambda: self.client.create_dm(discord.Object(user_id)), "opening a DM"
            )
            sent = await retrying(
                lambda: channel.send(**drawn.send_kwargs(), **_nonce(once)), "a direct message"
            )
        return MessageRef(str(channel.id), str(sent.id))

    async def open_form(self, form: Form, *, context: Any) -> None:
        ctx = _interaction_context(context)
        if ctx is None:
            raise ValueError("a Discord modal needs the interaction that asks for it")
        interaction = ctx.interaction
        assert interaction is not None
        form = self._as_typed(interaction.user.id, form)
        page = ctx.form_page if ctx.form_page is not None else draw.page_to_show(form)
        async with ctx.lock:
            if not interaction.response.is_done():
                drawn_modal = draw.modal(form, page)
                await responding(
                    interaction,
                    lambda: interaction.response.send_modal(drawn_modal),
                    "a modal",
                    answer=discord.InteractionResponseType.modal,
                )
                return
        # Too late for a modal (Discord only takes one as the first answer): offer a button.
        again = form.reopen or ""
        card = Card(
            title="Press again to open the form",
            blocks=("Discord took too long to be asked; the form opens on the next press.",),
            rows=(ControlRow((Button(custom_ids.with_page(again, "f", page), "Open the form"),)),)
            if again
            else (),
            tone="warning",
        )
        await self._reply(ctx, draw.message(card), Place(str(interaction.channel_id)))

    async def add_reaction(self, message: MessageRef, emoji: str) -> None:
        target = self.client.get_partial_messageable(int(message.channel_id))
        partial = target.get_partial_message(int(message.message_id))
        async with _to_post_in(message.channel_id):
            await retrying(lambda: partial.add_reaction(emoji), "a reaction")

    async def upload_file(
        self, place: Place, upload: FileUpload, *, to: Actor | None = None, once: Once | None = None
    ) -> None:
        if to is not None and to.platform == "discord":
            await self.pacer.wait()
            recipient = discord.Object(int(to.user_id))
            async with _to_reach(to.key):
                channel = await retrying(lambda: self.client.create_dm(recipient), "opening a DM")
                await _send_file(channel, upload, once)
            return
        await _send_file(self.client.get_partial_messageable(int(place.channel_id)), upload, once)

    # -- how ------------------------------------------------------------------------------

    async def reply_drawn(self, context: DiscordContext, drawn: draw.Drawn) -> MessageRef:
        """A private reply already drawn (the app's own notes use it)."""
        interaction = context.interaction
        assert interaction is not None
        return await self._reply(context, drawn, Place(str(interaction.channel_id or "")))

    async def _reply(self, ctx: DiscordContext, drawn: draw.Drawn, place: Place) -> MessageRef:
        """A private message answering the interaction: its response, or the deferred answer's
        content, or a follow-up."""
        interaction = ctx.interaction
        assert interaction is not None
        async with ctx.lock:
            response = interaction.response
            if not response.is_done():
                answer = await responding(
                    interaction,
                    lambda: response.send_message(ephemeral=True, **drawn.send_kwargs()),
                    "an answer",
                    answer=discord.InteractionResponseType.channel_message,
                )
                message_id = answer.message_id if answer is not None else None
            elif (
                response.type == discord.InteractionResponseType.deferred_channel_message
                and not ctx.original_filled
            ):
                edited = await retrying(
                    lambda: interaction.edit_original_response(**drawn.edit_kwargs()), "an answer"
                )
                ctx.original_filled = True
                message_id = edited.id
            else:
                sent = await retrying(
                    lambda: interaction.followup.send(
                        ephemeral=True, wait=True, **drawn.send_kwargs()
                    ),
                    "a follow-up",
                )
                message_id = sent.id
        if message_id is not None:
            ctx.created.add(message_id)
        return MessageRef(place.channel_id or str(interaction.channel_id or ""), str(message_id))

    async def _edit_by_rest(self, message: MessageRef, drawn: draw.Drawn) -> None:
        """Edit a posted card; one that is gone (deleted, or in a channel the bot no longer
        sees) has nothing left to show, so what was done is not undone by it."""
        channel = self.client.get_partial_messageable(int(message.channel_id))
        partial = channel.get_partial_message(int(message.message_id))
        try:
            await retrying(lambda: partial.edit(**drawn.edit_kwargs()), "an edit")
        except (discord.NotFound, discord.Forbidden) as error:
            if error.code not in CARD_GONE:
                raise
            log.info("card %s is gone (%s); not updated", message.key, error)


def nonce_of(once: Once) -> str:
    """A once-key as a message nonce: itself when it fits Discord's 25 characters, else a
    digest of it of that length (still one nonce per key)."""
    if len(once.key) <= NONCE_LENGTH:
        return once.key
    return "tb" + hashlib.sha256(once.key.encode()).hexdigest()[: NONCE_LENGTH - 2]


def _nonce(once: Once | None) -> dict[str, Any]:
    # discord.py (2.5 and later) sends `enforce_nonce: true` with every nonce.
    return {"nonce": nonce_of(once)} if once is not None else {}


async def _send_file(channel: Any, upload: FileUpload, once: Once | None) -> None:
    """A file posted in a channel; each try sends it afresh (a file is read once per request)."""
    await retrying(
        lambda: channel.send(
            content=draw.shorten(upload.comment, limits.MESSAGE_CONTENT)
            if upload.comment
            else None,
            file=discord.File(io.BytesIO(upload.content), filename=upload.filename),
            allowed_mentions=draw.NO_MENTIONS,
            **_nonce(once),
        ),
        "a file",
    )


@contextlib.asynccontextmanager
async def _to_reach(user: str) -> AsyncIterator[None]:
    """A direct message to `user`: Discord's "Cannot send messages to this user" (they take
    none from the bot) becomes the port's Unreachable, which the bot knows how to handle."""
    try:
        yield
    except discord.Forbidden as error:
        if error.code == CANNOT_MESSAGE_USER:
            raise Unreachable(user) from error
        raise


@contextlib.asynccontextmanager
async def _to_post_in(channel: str) -> AsyncIterator[None]:
    """A post (or reaction) in `channel`: Discord's answer that the bot may not (it cannot see
    the channel, lacks a permission there, or no such channel) becomes the port's PlaceRefused,
    saying what would let it."""
    try:
        yield
    except discord.HTTPException as error:
        advice = CHANNEL_REFUSALS.get(getattr(error, "code", 0))
        if advice is not None and isinstance(error, (discord.Forbidden, discord.NotFound)):
            raise PlaceRefused(channel, advice) from error
        raise


def _interaction_context(context: Any) -> DiscordContext | None:
    if isinstance(context, DiscordContext) and context.interaction is not None:
        return context
    return None
