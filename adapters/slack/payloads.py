"""The fields of Slack's payloads that Taskbot reads, as TypedDicts (after Slack's documented
shapes; discord.py's `discord/types/` is the model). `inbound.shape_problem` checks a request
has them before bolt routes it, so the translations in inbound.py may index them directly.

Only what is read is declared: Slack sends much more, and nothing else is relied on.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class User(TypedDict):
    """`user` in interactive payloads."""

    id: str
    username: NotRequired[str]
    name: NotRequired[str]


class Channel(TypedDict):
    id: str


class File(TypedDict):
    """A file shared on a message, as the message shortcut carries it."""

    id: str
    name: NotRequired[str]
    size: NotRequired[int]


class Message(TypedDict, total=False):
    ts: str
    files: list[File]


class SlashCommand(TypedDict):
    """A slash command's form fields."""

    command: str
    user_id: str
    user_name: NotRequired[str]
    channel_id: NotRequired[str]
    text: NotRequired[str]
    response_url: NotRequired[str | None]
    trigger_id: NotRequired[str | None]


class Option(TypedDict):
    value: str


class ElementState(TypedDict):
    """A button's or menu's state in an action, or an input's in a view's state."""

    type: NotRequired[str]
    action_id: NotRequired[str]
    value: NotRequired[str | None]
    selected_option: NotRequired[Option | None]
    selected_options: NotRequired[list[Option] | None]


class Container(TypedDict, total=False):
    channel_id: str
    message_ts: str
    is_ephemeral: bool


class Action(ElementState):
    action_id: str  # type: ignore[misc]  # required on an action


class BlockActions(TypedDict):
    """A button pressed or a menu changed on a message (`type: block_actions`)."""

    type: Literal["block_actions"]
    user: User
    actions: list[Action]
    container: NotRequired[Container]
    channel: NotRequired[Channel]
    message: NotRequired[Message]
    response_url: NotRequired[str]
    trigger_id: NotRequired[str]


class ViewState(TypedDict, total=False):
    values: dict[str, dict[str, ElementState]]  # by block id, then action id


class View(TypedDict):
    callback_id: str
    private_metadata: NotRequired[str]
    state: NotRequired[ViewState]


class ViewSubmission(TypedDict):
    """A modal sent back (`type: view_submission`)."""

    type: Literal["view_submission"]
    user: User
    view: View


class MessageShortcut(TypedDict):
    """A message shortcut used (`type: message_action`), e.g. *Import batch*."""

    type: Literal["message_action"]
    callback_id: str
    user: User
    message: NotRequired[Message]
    channel: NotRequired[Channel]
    response_url: NotRequired[str]
    trigger_id: NotRequired[str]


class ReactionItem(TypedDict):
    """What was reacted to: a message (channel and ts), or a file (`file`, no channel)."""

    type: str
    channel: NotRequired[str]
    ts: NotRequired[str]


class ReactionAdded(TypedDict):
    """The `reaction_added` event inside an event callback."""

    type: Literal["reaction_added", "reaction_removed"]
    user: str
    reaction: str
    item: ReactionItem


class AppHomeOpened(TypedDict):
    """The `app_home_opened` event: a person entered the App Home (`tab`: home or messages);
    `view` is the Home tab's current view once one has been published."""

    type: Literal["app_home_opened"]
    user: str
    channel: str
    event_ts: NotRequired[str]
    tab: NotRequired[str]
    view: NotRequired[dict[str, Any]]


class EventCallback(TypedDict):
    """An Events API delivery; `event_id` is the same on each of Slack's retries."""

    type: Literal["event_callback"]
    event_id: NotRequired[str]
    event: ReactionAdded | AppHomeOpened
