"""The discord.py client: slash commands on an app_commands.CommandTree, components and modals
read from their custom ids, reactions from the gateway, each handed to the bot as a neutral event.

Discord's 3 seconds: commands are deferred at once (ephemeral, "thinking") and answered by editing
that response. Clicks and modal submits are answered by what the handler does first (an update of
the clicked card, a modal, a private message); if the handler has not answered within
`defer_after` seconds, the interaction is deferred for it and its answer edits the card later.
A modal can only be a first answer, so a click that opens one is never deferred early.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from adapters.discord import custom_ids, draw, inbound
from adapters.discord.commands import MalformedCommand, command_tree
from adapters.discord.inbound import DiscordContext
from adapters.discord.members import ServerRoles
from adapters.discord.port import DiscordPort
from adapters.discord.refusals import discord_refusals
from adapters.discord.retry import responding
from bot.app import Taskbot
from bot.config import Config
from bot.events import Attachment, Event, FormSubmitEvent
from bot.inflight import Finish, WorkInFlight
from bot.pipeline import REPEAT
from bot.pipeline.apologise import SORRY_TEXT, SORRY_TITLE
from bot.ui import Button, Card, ControlRow, FormErrors
from taskbank.errors import Problem, ValidationFailed

log = logging.getLogger(__name__)

# Discord drops an interaction not answered within 3 seconds; defer well before.
DEFER_AFTER = 1.5
UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction past its deadline
# Work runs at most this many at a time, so a burst queues instead of starving the gateway.
WORK_IN_FLIGHT = 64
DONE_TEXT = "Posted where it belongs: the channel, or your direct messages."
RESTARTING_TEXT = "Taskbot is restarting; nothing was done. Try again in a minute."
STALE_TEXT = (
    "Nothing was changed. If the commands Discord shows are out of date, a coordinator can run "
    "`taskbot discord sync`."
)


def point_at(api_url: str, gateway_url: str) -> None:
    """Aim discord.py at a Discord: its REST base and gateway are process-wide settings."""
    discord.http.Route.BASE = api_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def intents() -> discord.Intents:
    """The least the bot needs: servers, their reactions, direct messages. No message content."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_reactions = True
    wanted.dm_messages = True
    return wanted


class TaskbotClient(discord.Client):
    """A discord.py client whose events go to the app."""

    def __init__(self, app: DiscordApp) -> None:
        settings = app.config.discord
        super().__init__(
            intents=intents(),
            allowed_mentions=draw.NO_MENTIONS,
            shard_id=settings.shard_id,
            shard_count=settings.shard_count,
        )
        self.app = app
        # Run once before the connection closes, however it closes (a stop, or discord.py on a
        # close code it does not reconnect after): the runner's drain of the work in flight.
        self.before_close: Callable[[], Awaitable[None]] | None = None

    async def close(self) -> None:
        before, self.before_close = self.before_close, None
        if before is not None and not self.is_closed():
            await before()
        await super().close()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.app.on_interaction(interaction)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.app.on_reaction(payload)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self.app.on_reaction(payload)

    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        await self.app.on_reactions_cleared(payload)

    async def on_raw_reaction_clear_emoji(
        self, payload: discord.RawReactionClearEmojiEvent
    ) -> None:
        await self.app.on_reactions_cleared(payload)


class DiscordApp:
    """Taskbot on Discord: the client, its command tree, and the bot they feed."""

    def __init__(self, build_bot: Any, config: Config) -> None:
        settings = config.discord
        point_at(settings.api_url, settings.gateway_url)
        self.config = config
        self.client = TaskbotClient(self)
        self.tree = command_tree(self.client, self.command, self.command_refused)
        self.port = DiscordPort(self.client, settings.direct_messages_per_second)
        self.server_roles = ServerRoles(self.client, settings)  # for DMs, which carry none
        self.bot: Taskbot = build_bot(
            self.port, settings.review_channel, settings.coordinator_channel, "discord"
        )
        self.bot.use(discord_refusals)
        self.defer_after = DEFER_AFTER
        self.work_slots = asyncio.Semaphore(WORK_IN_FLIGHT)
        # Interactions and reactions being handled, for a stop that loses nothing.
        self.work = WorkInFlight("Discord work")

    # -- stopping --------------------------------------------------------------------------

    async def drain(self, finish: Finish) -> None:
        """Turn new work away and wait (bounded) for what is in flight; see bot.inflight."""
        await self.work.drain(finish)

    async def _refuse_while_stopping(self, interaction: discord.Interaction) -> bool:
        """While stopping, tell the person to try again (nothing is started); True if so."""
        if not self.work.draining:
            return False
        try:
            await responding(
                interaction,
                lambda: interaction.response.send_message(RESTARTING_TEXT, ephemeral=True),
                "a refusal",
                answer=discord.InteractionResponseType.channel_message,
            )
        except discord.HTTPException as error:
            log.warning("could not say Taskbot is restarting: %s", error)
        return True

    # -- slash commands --------------------------------------------------------------------

    async def command(
        self,
        interaction: discord.Interaction,
        name: str,
        args: tuple[str, ...] = (),
        files: tuple[discord.Attachment | None, ...] = (),
    ) -> None:
        """Defer at once (private), then run the command; its first reply fills the response.

        Attached files go to the bot unread: it checks the role and the size Discord gives
        before it asks for the bytes, so nobody can make the bot download for a command they
        may not run."""
        with self.work.working():  # a refusal too: the session stays open until it is sent
            if await self._refuse_while_stopping(interaction):
                return
            await self._command(interaction, name, args, files)

    async def _command(
        self,
        interaction: discord.Interaction,
        name: str,
        args: tuple[str, ...],
        files: tuple[discord.Attachment | None, ...],
    ) -> None:
        await responding(
            interaction,
            lambda: interaction.response.defer(ephemeral=True, thinking=True),
            "a deferral",
            answer=discord.InteractionResponseType.deferred_channel_message,
        )
        # An option of the wrong type reaches here as it came: the bot gets text (and parses it
        # into a refusal), and a file option that resolved to no attachment is no file.
        texts = tuple(str(arg) for arg in args)
        attachments = tuple(
            lazy_attachment(file) for file in files if isinstance(file, discord.Attachment)
        )
        event = inbound.command_event(interaction, name, texts, attachments)
        if interaction.guild_id is None:
            event = replace(event, actor=await self.server_roles.of(event.actor))
        async with self.work_slots:
            answer = await self.bot.handle(event)
        context: DiscordContext = event.context
        if answer is REPEAT:
            return  # handled already, and answered there: a "Done" would overwrite that answer
        if not context.original_filled:
            # The command posted elsewhere (a channel, a DM): end the "thinking" state.
            await self._tell(context, Card(title="Done", blocks=(DONE_TEXT,), tone="success"))

    async def command_refused(self, interaction: discord.Interaction, error: Exception) -> None:
        """A slash command discord.py could not run, told to the person instead of a silent
        "This interaction failed": one this version does not have or that came in a shape it
        does not know (stale commands, a hand-made payload), or an unexpected failure."""
        with self.work.working():
            await self._command_refused(interaction, error)

    async def _command_refused(self, interaction: discord.Interaction, error: Exception) -> None:
        if isinstance(error, app_commands.CommandNotFound):
            name = " ".join((*error.parents, error.name))
            log.warning("Discord sent /%s, which this Taskbot does not have", name)
            card = warning("Taskbot has no such command", f"/{name[:64]}: {STALE_TEXT}")
        elif isinstance(error, app_commands.CommandSignatureMismatch):
            name = error.command.qualified_name
            log.warning("/%s came with options this Taskbot does not expect", name)
            card = warning(
                "That command did not come through",
                f"/{name} came without the options this Taskbot expects. {STALE_TEXT}",
            )
        elif isinstance(error, MalformedCommand):
            log.warning("a slash command came in a shape discord.py cannot read: %s", error)
            card = warning("That command did not come through", f"{error}. {STALE_TEXT}")
        elif isinstance(error, app_commands.TransformerError):
            card = warning("That option was not understood", f"{error}. Nothing was changed.")
        elif isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
            # Too late for Discord's 3 seconds: there is no one left to tell.
            log.warning("interaction %s expired before it was acknowledged", interaction.id)
            return
        else:
            log.error("a slash command failed", exc_info=error)
            card = warning(SORRY_TITLE, SORRY_TEXT)
        await self._tell(DiscordContext(interaction), card)

    # -- components and modals --------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        answered = (discord.InteractionType.component, discord.InteractionType.modal_submit)
        if interaction.type not in answered:
            return  # application commands are the tree's
        with self.work.working():
            if await self._refuse_while_stopping(interaction):
                return
            await self._interaction(interaction)

    async def _interaction(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.type == discord.InteractionType.component:
                event: Event = inbound.component_event(interaction)
            else:
                event = inbound.modal_event(interaction)
        except ValidationFailed as refusal:
            lines = [problem.message for problem in refusal.problems]
            await self._tell(DiscordContext(interaction), warning("That didn't work", *lines))
            return
        context: DiscordContext = event.context
        handled = asyncio.Event()
        answer_in_time = asyncio.create_task(self._answer_in_time(context, handled))
        try:
            if interaction.guild_id is None:
                event = replace(event, actor=await self.server_roles.of(event.actor))
            async with self.work_slots:
                answer = await self.bot.handle(event)
            context.repeat = answer is REPEAT  # then its first handling answers, not a deferral
            if isinstance(answer, FormErrors) and answer.errors:
                await self._show_form_errors(context, answer)
            elif isinstance(event, FormSubmitEvent) and answer is not REPEAT:
                # (a replay keeps what the first handling kept: a refused answer, as typed)
                self.port.forget_typed(interaction.user.id, event.form_id)
        finally:
            handled.set()
            await answer_in_time

    async def _answer_in_time(self, context: DiscordContext, handled: asyncio.Event) -> None:
        """Defer if the handler is slow, and acknowledge if it answered nothing at all."""
        try:
            await asyncio.wait_for(handled.wait(), self.defer_after)
        except TimeoutError:
            pass
        interaction = context.interaction
        assert interaction is not None
        async with context.lock:
            if not interaction.response.is_done() and not context.repeat:
                try:
                    await responding(
                        interaction,
                        interaction.response.defer,
                        "a deferral",
                        # what discord.py's defer() sends for a click or a modal submit
                        answer=discord.InteractionResponseType.deferred_message_update,
                    )
                except discord.HTTPException as error:
                    log.warning("could not defer interaction %s: %s", interaction.id, error)

    async def _show_form_errors(self, context: DiscordContext, answer: FormErrors) -> None:
        """Discord closes a modal on submit: say what to fix, with a button to open it again."""
        form = answer.form
        if form is not None and context.interaction is not None:
            self.port.keep_typed(context.interaction.user.id, form)
        labels = {item.input_id: item.label for item in form.inputs} if form else {}
        lines = [f"{labels.get(key, key)}: {message}" for key, message in answer.errors.items()]
        rows: tuple[ControlRow, ...] = ()
        if form is not None and form.reopen:
            page = draw.page_to_show(form)
            pages = len(draw.form_pages(form))
            label = "Fix it…" if pages == 1 else f"Go to page {page + 1} of {pages}…"
            rows = (
                ControlRow(
                    (Button(custom_ids.with_page(form.reopen, "f", page), label, "primary"),)
                ),
            )
        card = Card(
            title="Not done yet",
            blocks=("\n".join(lines), "What you wrote is kept."),
            rows=rows,
            tone="warning",
        )
        await self.port.reply_drawn(context, draw.message(card))

    # -- reactions -------------------------------------------------------------------------

    async def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        with self.work.working():
            await self._reaction(payload)

    async def _reaction(self, payload: discord.RawReactionActionEvent) -> None:
        me = self.client.user
        if me is not None and payload.user_id == me.id:
            return
        event = inbound.reaction_event(payload)
        if event is None:
            return
        if payload.member is None and event.added:
            # Discord sends `member` only "if this happened in a guild", and in DMs never:
            # without it the roles are read from the server, as for a DM's interactions.
            event = replace(event, actor=await self.server_roles.of(event.actor))
        await self.bot.handle(event)  # the pipeline counts each reaction once, replayed or not

    async def on_reactions_cleared(
        self, payload: discord.RawReactionClearEvent | discord.RawReactionClearEmojiEvent
    ) -> None:
        """A moderator cleared a message's reactions (or one emoji's): each may be given again."""
        event = inbound.clear_event(payload)
        if event is not None:
            with self.work.working():
                await self.bot.handle(event)

    # -- helpers ---------------------------------------------------------------------------

    async def _tell(self, context: DiscordContext, card: Card) -> None:
        """A private note answering the interaction; failing quietly (logged) if Discord won't."""
        try:
            await self.port.reply_drawn(context, draw.message(card))
        except discord.HTTPException as error:
            log.warning("could not tell the user either: %s", error)


def lazy_attachment(file: discord.Attachment) -> Attachment:
    """A command's file as the bot's Attachment: its name and size now, its bytes on request."""

    async def fetch(max_bytes: int) -> bytes:
        try:
            return await file.read()
        except (discord.HTTPException, aiohttp.ClientError) as error:
            reason = f"status {error.status}" if isinstance(error, discord.HTTPException) else error
            raise ValidationFailed(
                [
                    Problem(
                        "file",
                        f"Discord would not hand it over ({reason}); upload it again",
                        file.filename,
                    )
                ]
            ) from None

    return Attachment(file.filename, size=file.size, fetch=fetch)


def warning(title: str, *lines: str) -> Card:
    return Card(title=title, blocks=("\n".join(lines),), tone="warning")
