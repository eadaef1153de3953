"""Requests checked before bolt sees them: Slack's signature first, then the body's shape.

Slack signs every request with `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{ts}:{body}">` and
`X-Slack-Request-Timestamp: <Unix seconds>`. slack_sdk's SignatureVerifier calls `int()` on the
timestamp (so `abc` became a 500) and bolt parses the body before verifying it (so a broken
`payload=` became a 500 too). Here anything that is not exactly one well-formed header of each,
recent and matching, is refused as 401; a signed body bolt could not route is a 400.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any
from urllib.parse import parse_qsl

from multidict import CIMultiDictProxy

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
MAX_AGE_SECONDS = 5 * 60
# ASCII digits only (str.isdigit and int() accept '²', '١' and spaces); 11 digits reach year 5138.
_TIMESTAMP = re.compile(r"[0-9]{1,11}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# The request types the app listens for (interactivity as a form's `payload`, the Events API as JSON).
PAYLOAD_TYPES = ("block_actions", "view_submission", "view_closed", "message_action")
# `app_rate_limited` is Slack's notice that it is holding events back; it has no inner event.
JSON_TYPES = ("url_verification", "event_callback", "app_rate_limited")


def signed_text(headers: CIMultiDictProxy[str], body: bytes, secret: str, now: float) -> str | None:
    """The body as text when Slack signed it within the last five minutes; None otherwise."""
    stamps = headers.getall(TIMESTAMP_HEADER, [])
    signatures = headers.getall(SIGNATURE_HEADER, [])
    if len(stamps) != 1 or len(signatures) != 1:
        return None
    stamp, signature = stamps[0], signatures[0]
    if not _TIMESTAMP.fullmatch(stamp) or not _SIGNATURE.fullmatch(signature):
        return None
    if abs(now - int(stamp)) > MAX_AGE_SECONDS:
        return None
    expected = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest("v0=" + expected.hexdigest(), signature):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


SSL_CHECK = {"ssl_check": "1"}


class NotFromSlack(ValueError):
    """A signed body that is none of the requests Slack sends this app."""


def request_body(text: str, content_type: str) -> dict[str, Any]:
    """A signed body as the dict bolt will read (form fields, a payload, or an event)."""
    if content_type == "application/json":
        return _object(text, "the JSON body", JSON_TYPES)
    if content_type != "application/x-www-form-urlencoded":
        raise NotFromSlack(f"unexpected content type {content_type[:60]!r}")
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if fields.get("ssl_check") == "1":
        return SSL_CHECK  # Slack checking the app's certificate: answered 200, nothing to do
    if "payload" in fields:
        return _object(fields["payload"], "payload", PAYLOAD_TYPES)
    if not fields.get("command", "").startswith("/"):
        raise NotFromSlack("neither a payload nor a slash command")
    return fields


def _object(text: str, what: str, types: tuple[str, ...]) -> dict[str, Any]:
    try:
        value: Any = json.loads(text)
    except (ValueError, RecursionError):
        raise NotFromSlack(f"{what} is not JSON") from None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise NotFromSlack(f"{what} is not an object with a type")
    if value["type"] not in types:
        raise NotFromSlack(
            f"{what} has type {value['type'][:40]!r}; expected one of {', '.join(types)}"
        )
    return value
