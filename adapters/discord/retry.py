"""Discord REST calls retried when Discord answers 429, as its rate-limit page asks.

discord.py waits out a 429 itself only when the answer carries a `Via` header and a Content-Type
of exactly `application/json` (it takes anything else for a Cloudflare ban and raises at once). Discord documents a 429 by its JSON body
(`retry_after`) and its `Retry-After` and `X-RateLimit-*` headers alone, so a 429 discord.py
gives up on at once is waited out here (one with `Via` discord.py has retried already): every
call a person's work goes through runs in `retrying`.
A 429 means Discord did nothing, so the retry cannot show or pay anything twice. An answer that
is not JSON (a ban page) is not retried.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 5  # as many as discord.py makes for its own 429s
LONGEST_WAIT = 30.0  # seconds; a longer limit is raised, as discord.py's shortest timeout does


def retry_after(error: BaseException) -> float | None:
    """Seconds Discord asks to wait before trying again, or None when it is no 429 to wait out."""
    if not isinstance(error, discord.HTTPException) or error.status != 429:
        return None
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None) or {}
    if "json" not in str(headers.get("Content-Type", "")):
        return None  # not Discord's answer (a proxy's or a ban page)
    body = _json_body(getattr(error, "text", ""))
    if headers.get("Via") and not body:
        return None  # discord.py read the body and waited this one out, as often as it will
    body = body or _json_body(_read_already(response))
    if isinstance(body.get("retry_after"), int | float) and body["retry_after"] >= 0:
        return float(body["retry_after"])
    for header in ("X-RateLimit-Reset-After", "Retry-After"):
        try:
            wait = float(headers.get(header, ""))
        except ValueError:
            continue
        if wait >= 0:
            return wait
    return None


def _read_already(response: object) -> str:
    """The answer's body as aiohttp keeps it once read (discord.py read it; its error keeps only
    the message), so the body's retry_after is known even when no header says it."""
    raw = getattr(response, "_body", None)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""


def _json_body(text: str) -> dict:
    """The 429's JSON body when discord.py kept it as text (its Content-Type was not exactly
    `application/json`, e.g. with a charset); else nothing."""
    try:
        body = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


async def retrying(call: Callable[[], Awaitable[T]], what: str = "a Discord call") -> T:
    """`call()`, again after the wait a 429 asks for (up to ATTEMPTS tries). `call` builds its
    request afresh each time (files are read once per request)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except discord.HTTPException as error:
            wait = retry_after(error)
            if wait is None or wait > LONGEST_WAIT or attempt == ATTEMPTS:
                raise
            log.warning("Discord rate-limited %s; trying again in %.2f s", what, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")  # the last attempt returns or raises


ALREADY_ACKNOWLEDGED = 40060  # Discord's code: "Interaction has already been acknowledged"


async def responding(
    interaction: discord.Interaction,
    call: Callable[[], Awaitable[T]],
    what: str,
    *,
    answer: discord.InteractionResponseType,
) -> T | None:
    """An interaction's first answer (`answer`: a deferral, a message, an update, a modal),
    through `retrying`; what discord.py returns, or None when Discord gave back no callback
    object.

    Discord answers the callback 204 with no body unless the answer is asked back; discord.py
    asks (`with_response`), and on a 204 all the same it records the answer as given, then fails
    reading the body that is not there (TypeError). Given is given: that is no failure.

    A callback whose answer is lost after Discord took it (a 5xx from the proxy in front of
    Discord) is sent again by discord.py, as after any 5xx, and Discord answers that 40060: the
    first try was given. Nothing else answers an interaction before this first answer, so it is
    recorded as given as discord.py would have recorded it (the response's type, which
    discord.py keeps privately and reads to refuse a second first answer)."""
    try:
        return await retrying(call, what)
    except TypeError:
        if not interaction.response.is_done():
            raise
        log.debug("Discord took %s for interaction %s without a body", what, interaction.id)
        return None
    except discord.HTTPException as error:
        if error.code != ALREADY_ACKNOWLEDGED or interaction.response.is_done():
            raise
        interaction.response._response_type = answer
        log.info("Discord had taken %s for interaction %s already", what, interaction.id)
        return None
