"""Slack's own refusals of the app's replies, told in Slack's words and with what to do.

Each hint follows an error that Slack's Web API documents for the calls the app makes (and the
errors every method may answer: a token revoked, a scope the installation lacks)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from adapters.slack.port import NotOnSlack
from bot.pipeline import Answer, Delivery, Next
from bot.port import Unreachable

log = logging.getLogger(__name__)


async def slack_refusals(delivery: Delivery, next: Next) -> Answer:
    """The pipeline step for Slack's own errors: what Slack refused, told in Slack's words."""
    try:
        return await next()
    except (Unreachable, SlackApiError, NotOnSlack, aiohttp.ClientError) as error:
        log.warning("Slack refused a reply to %s: %s", type(delivery.event).__name__, error)
        if isinstance(error, Unreachable) and error.user == delivery.event.actor.key:
            return None  # their own direct messages do not reach them: nowhere to tell them
        await delivery.tell_quietly(*refusal_notice(error))
        return None


def refusal_notice(error: Exception) -> tuple[str, str]:
    """The title and text that tell a person what Slack refused and what to do about it."""
    if isinstance(error, Unreachable):
        return "Not told privately", (
            f"Slack delivers no direct message to {error.user} (deactivated, or out of the "
            f"app's reach), so they were not told: tell them yourself. {ALREADY_SAVED}"
        )
    answer: Mapping[str, Any] = (
        error.response.data
        if isinstance(error, SlackApiError) and isinstance(error.response.data, dict)
        else {}
    )
    reason = answer.get("error") if isinstance(error, SlackApiError) else str(error)
    return "Slack refused that", f"Slack said: {reason}. {refusal_hint(answer)}{ALREADY_SAVED}"


def refusal_hint(answer: Mapping[str, Any]) -> str:
    """What a person can do about the refusal in Slack's answer (empty when nothing is known)."""
    reason = str(answer.get("error", ""))
    if reason == "missing_scope":
        needed = str(answer.get("needed") or "").strip()
        what = f"the {needed[:100]} permission" if needed else "a permission this needs"
        return (
            f"The app's installation in this workspace lacks {what}: a workspace admin should "
            "reinstall the app from adapters/slack/manifest.json, then try again. "
        )
    return REFUSAL_HINTS.get(reason, "")


_INVITE = "Invite the app to this channel (/invite @Taskbot) and try again. "
_PRESS_AGAIN = (
    "Slack opens a form only within 3 seconds of the click, and this took longer: "
    "press the button again. "
)
_TOKEN = (
    "The app's Slack token no longer works (the app was removed or its token revoked): a "
    "workspace admin should reinstall the app and give Taskbot the new token. "
)
# What a person can do about each refusal Slack documents for the calls the app makes.
REFUSAL_HINTS = {
    "not_in_channel": _INVITE,
    "channel_not_found": _INVITE,
    "expired_trigger_id": _PRESS_AGAIN,
    "exchanged_trigger_id": _PRESS_AGAIN,
    "ratelimited": "Slack is busy with this app's messages; try again in a minute. ",
    "is_archived": (
        "The channel is archived: unarchive it, or ask a coordinator to set another channel "
        "in Taskbot's configuration. "
    ),
    "message_not_found": (
        "The message Taskbot meant to change is gone; run the command again for a fresh one. "
    ),
    "cant_update_message": (
        "The message Taskbot meant to change can no longer be changed; run the command again "
        "for a fresh one. "
    ),
    "invalid_auth": _TOKEN,
    "not_authed": _TOKEN,
    "token_revoked": _TOKEN,
    "token_expired": _TOKEN,
    "account_inactive": _TOKEN,
}
# Replies follow the commit (acknowledged means committed): a refused reply loses nothing.
ALREADY_SAVED = "Whatever Taskbot had saved before this reply stays saved."
