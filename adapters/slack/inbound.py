"""Slack payloads as neutral events: slash commands, block actions, view submissions, reactions.

Shapes follow Slack's documented payloads; `SlackContext` carries what a reply needs later
(response_url, trigger_id, where the card is), so nothing is kept in memory between requests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.payloads import (
    AppHomeOpened,
    BlockActions,
    ElementState,
    ReactionAdded,
    SlashCommand,
    ViewSubmission,
)
from bot.events import (
    ActionEvent,
    Actor,
    Attachment,
    CommandEvent,
    FormSubmitEvent,
    HomeEvent,
    MessageRef,
    Place,
    ReactionEvent,
)

PLATFORM = "slack"
# Slack names emoji; the bot layer speaks Unicode.
EMOJI_NAMES = {"✅": "white_check_mark", "❌": "x"}
EMOJI_BY_NAME = {name: emoji for emoji, name in EMOJI_NAMES.items()}


@dataclass
class SlackContext:
    """How to answer the person behind an event, and where their card is.

    `deferred` collects replies while a view submission is answered: Slack must get the modal's
    answer (close it, or show errors) first, and the card updates follow. `home`: the person is
    on their App Home tab, where a private card is their published home view.
    """

    user_id: str
    channel_id: str = ""
    response_url: str | None = None
    trigger_id: str | None = None
    message_ts: str | None = None
    ephemeral: bool = False
    home: bool = False
    deferred: list[Callable[[], Awaitable[Any]]] | None = field(default=None, repr=False)

    def metadata(self) -> dict[str, Any]:
        """What a modal carries in private_metadata to find this card again."""
        packed: dict[str, Any] = {"c": self.channel_id, "u": self.user_id}
        if self.message_ts:
            packed["m"] = self.message_ts
        if self.response_url:
            packed["r"] = self.response_url
        if self.ephemeral:
            packed["e"] = 1
        return packed


# -- the shapes the app reads, checked before bolt routes a request ---------------------------


def shape_problem(body: Mapping[str, Any]) -> str | None:
    """Why a request body (form fields, or a payload or event as JSON) lacks what the app reads.

    Bolt and the translations below index these fields directly; a body Slack could not have sent
    is refused here as a whole instead of failing halfway through a listener.
    """
    kind = body.get("type")
    if "command" in body:
        return _needs(body, "command", "user_id") or _texts(body, "channel_id", "text")
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
            return "block_actions without actions"
        return (
            _user(body)
            or _needs(actions[0], "action_id", "type")
            or _objects(body, "container", "channel", "message")
            or _option_values(actions[0])
        )
    if kind == "view_submission":
        view = body.get("view")
        if not isinstance(view, dict):
            return "view_submission without a view"
        return _user(body) or _needs(view, "callback_id") or _view_state(view)
    if kind == "view_closed":  # a modal dismissed: nothing to read but who and which
        view = body.get("view")
        return _user(body) if isinstance(view, dict) else "view_closed without a view"
    if kind == "message_action":
        message = body.get("message")
        files = message.get("files", []) if isinstance(message, dict) else None
        if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
            return "message_action without a message"
        return _user(body) or _needs(body, "callback_id") or _objects(body, "channel")
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event_callback without an event"
        if event["type"] == "reaction_added":
            item = event.get("item")
            if not isinstance(item, dict):
                return "reaction_added without an item"
            # A reaction on a file names the file, not a channel and ts (api.slack.com/events/
            # reaction_added): acknowledged and ignored, as any reaction not on a message.
            where = ("channel", "ts") if item.get("type") == "message" else ()
            return _needs(event, "user", "reaction") or _needs(item, "type", *where)
        if event["type"] == "app_home_opened":
            return _needs(event, "user") or _texts(event, "channel", "tab")
    return None


def _needs(obj: Mapping[str, Any], *keys: str) -> str | None:
    missing = [key for key in keys if not isinstance(obj.get(key), str) or not obj[key]]
    return f"expected text in {', '.join(missing)}" if missing else None


def _texts(obj: Mapping[str, Any], *keys: str) -> str | None:
    wrong = [key for key in keys if key in obj and not isinstance(obj[key], str)]
    return f"expected text in {', '.join(wrong)}" if wrong else None


def _objects(obj: Mapping[str, Any], *keys: str) -> str | None:
    wrong = [key for key in keys if obj.get(key) is not None and not isinstance(obj[key], dict)]
    return f"expected an object in {', '.join(wrong)}" if wrong else None


def _user(body: Mapping[str, Any]) -> str | None:
    user = body.get("user")
    return _needs(user, "id") if isinstance(user, dict) else "expected a user"


def _option_values(state: Mapping[str, Any]) -> str | None:
    picked = state.get("selected_options")
    if picked is None:
        picked = [state["selected_option"]] if state.get("selected_option") is not None else []
    if not isinstance(picked, list) or not all(
        isinstance(o, dict) and isinstance(o.get("value"), str) for o in picked
    ):
        return "expected options with text values"
    if state.get("value") is None:  # an optional input left empty comes as "value": null
        return _texts(state, "type")
    return _texts(state, "value", "type")


def _view_state(view: Mapping[str, Any]) -> str | None:
    held = view.get("state") or {}
    values = held.get("values", {}) if isinstance(held, dict) else None
    if not isinstance(values, dict) or not all(
        isinstance(inputs, dict) and all(isinstance(state, dict) for state in inputs.values())
        for inputs in values.values()
    ):
        return "view state is not values by block and action id"
    for inputs in values.values():
        for state in inputs.values():
            if problem := _option_values(state):
                return problem
    return _texts(view, "private_metadata")


def actor(user_id: str, name: str = "") -> Actor:
    """A Slack user as an actor ('slack:U…' in the task bank)."""
    return Actor(PLATFORM, user_id, name)


def user_key_to_id(key: str) -> str | None:
    """The Slack user id inside a task-bank user key, or None for another platform's user."""
    platform, _, user_id = key.partition(":")
    return user_id if platform == PLATFORM and user_id else None


_ENTITIES = re.compile(r"&(amp|lt|gt);")
_DECODED = {"amp": "&", "lt": "<", "gt": ">"}


def command_text(body: SlashCommand) -> str:
    """A command's text as typed. Slack sends &, < and > as entities in the text it passes on
    (a command the manifest escapes, one that names people, also has its mentions as <@U…>);
    each is decoded, for every command, so `/credit Proj Ben & Jerry` reads as typed whichever
    way the workspace sends it. A `&amp;` typed as such reads as `&`: the cheaper mistake."""
    return _ENTITIES.sub(lambda entity: _DECODED[entity[1]], str(body.get("text", "")))


def command_event(
    body: SlashCommand, name: str, attachments: tuple[Attachment, ...] = ()
) -> CommandEvent:
    """A slash command (form-encoded: user_id, channel_id, text, response_url, trigger_id)."""
    context = SlackContext(
        user_id=body["user_id"],
        channel_id=body.get("channel_id", ""),
        response_url=body.get("response_url"),
        trigger_id=body.get("trigger_id"),
        ephemeral=True,
    )
    return CommandEvent(
        actor=actor(body["user_id"], body.get("user_name", "")),
        place=_place(body.get("channel_id", "")),
        name=name,
        args=tuple(command_text(body).split()),
        attachments=attachments,
        context=context,
    )


def action_event(body: BlockActions) -> ActionEvent:
    """A `block_actions` payload: a button or menu on a card."""
    action = body["actions"][0]
    user = body["user"]
    container = body.get("container") or {}
    channel_id = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    context = SlackContext(
        user_id=user["id"],
        channel_id=channel_id,
        response_url=body.get("response_url"),
        trigger_id=body.get("trigger_id"),
        message_ts=message_ts,
        ephemeral=bool(container.get("is_ephemeral")),
    )
    return ActionEvent(
        actor=actor(user["id"], user.get("username") or user.get("name", "")),
        place=_place(channel_id),
        # Paged menus number their action ids ('…#1'); the neutral id is the same for each page.
        action_id=action["action_id"].split("#", 1)[0],
        values=_picked(action),
        message=MessageRef(channel_id, message_ts) if channel_id and message_ts else None,
        context=context,
    )


def form_event(body: ViewSubmission) -> FormSubmitEvent:
    """A `view_submission` payload: the modal's values by block id, and where its card is."""
    view = body["view"]
    user = body["user"]
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        meta = {}
    # The card a modal came from is only the submitter's own: metadata naming another person's
    # (or none at all) is not followed, and the answer goes to a direct message instead.
    meta = meta if isinstance(meta, dict) and meta.get("u") == user["id"] else {}
    values: dict[str, str | tuple[str, ...]] = {}
    for block_id, inputs in (view.get("state") or {}).get("values", {}).items():
        for state in inputs.values():
            picked = _picked(state)
            if state.get("type") in ("static_select", "multi_static_select"):
                values[block_id] = (
                    picked
                    if state["type"] == "multi_static_select"
                    else (picked[0] if picked else "")
                )
            else:
                values[block_id] = state.get("value") or ""
    channel_id = str(meta.get("c", ""))
    message_ts = meta.get("m")
    context = SlackContext(
        user_id=user["id"],
        channel_id=channel_id,
        response_url=meta.get("r"),
        message_ts=message_ts,
        ephemeral=bool(meta.get("e")),
        deferred=[],
    )
    return FormSubmitEvent(
        actor=actor(user["id"], user.get("username") or user.get("name", "")),
        place=_place(channel_id),
        form_id=view["callback_id"],
        values=values,
        message=MessageRef(channel_id, message_ts) if channel_id and message_ts else None,
        context=context,
    )


def reaction_event(event: ReactionAdded, event_id: str | None = None) -> ReactionEvent | None:
    """A `reaction_added` event on a message, or None for reactions the bot does not read.

    Its delivery key is Slack's event_id (the same on every retry), else what the event is."""
    item = event.get("item") or {}
    emoji = EMOJI_BY_NAME.get(str(event.get("reaction", "")).split("::", 1)[0])
    if item.get("type") != "message" or emoji is None:
        return None
    return ReactionEvent(
        actor=actor(event["user"]),
        message=MessageRef(item["channel"], item["ts"]),
        emoji=emoji,
        added=event.get("type") == "reaction_added",
        context=SlackContext(user_id=event["user"], channel_id=item["channel"]),
        delivery=event_id or f"{item['ts']}:{event['user']}:{event['reaction']}",
    )


def home_event(event: AppHomeOpened, event_id: str | None) -> HomeEvent | None:
    """An `app_home_opened` event on the Home tab (not the Messages or About tab), else None.

    Its delivery key is Slack's event_id, the same on every retry."""
    if event.get("tab") != "home":
        return None
    channel_id = event.get("channel", "")
    return HomeEvent(
        actor=actor(event["user"]),
        place=_place(channel_id),
        context=SlackContext(user_id=event["user"], channel_id=channel_id, home=True),
        delivery=event_id,
    )


def _picked(state: ElementState) -> tuple[str, ...]:
    if state.get("selected_options") is not None:
        return tuple(o["value"] for o in state["selected_options"])
    if state.get("selected_option"):
        return (state["selected_option"]["value"],)
    return ()


def _place(channel_id: str) -> Place:
    return Place(channel_id, direct=channel_id.startswith("D"))
