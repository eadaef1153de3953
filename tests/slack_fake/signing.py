"""Slack's request signing, as Slack signs what it sends (and as the app must verify)."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signature: v0= HMAC-SHA256 of 'v0:{timestamp}:{body}'."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}
