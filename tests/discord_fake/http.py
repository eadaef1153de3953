"""How the fake reads requests and answers them: bodies (JSON or multipart), errors, JSON."""

from __future__ import annotations

import json
import math
import time
from typing import Any

from aiohttp import web


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """JSON, or multipart with payload_json and files[n] (how discord.py sends attachments)."""
    if request.content_type == "multipart/form-data":
        body: Any = {}
        uploads = []
        reader = await request.multipart()
        async for part in reader:  # type: ignore[union-attr]
            data = await part.read()  # type: ignore[union-attr]
            if part.name == "payload_json":  # type: ignore[union-attr]
                body = json.loads(data)
            else:
                uploads.append((part.filename or "file", bytes(data)))  # type: ignore[union-attr]
        return body, uploads
    raw = await request.read()
    return (json.loads(raw) if raw else {}), []


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status=status)


def _form_error(problems: list[str]) -> web.Response:
    return _json(
        {"code": 50035, "message": "Invalid Form Body", "errors": {"problems": problems}},
        status=400,
    )


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON as Discord sends it: Content-Type exactly application/json (discord.py checks)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _rate_limited(
    retry_after: float,
    *,
    via: bool,
    scope: bool,
    charset: bool = False,
    with_headers: bool = True,
) -> web.Response:
    """A 429 as Discord's rate-limit page documents it: the body's `retry_after` in seconds,
    `Retry-After` rounded up, and the bucket headers (none for a global limit). The real Discord
    also sends `Via: 1.1 google` (its load balancer); `via=False` leaves that out."""
    headers = {"Retry-After": str(max(1, math.ceil(retry_after)))}
    if scope:
        headers.update({"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"})
    else:
        headers.update(
            {
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": "fakebucket",
                "X-RateLimit-Scope": "user",
            }
        )
    if not with_headers:
        headers = {}
    if via:
        headers["Via"] = "1.1 google"
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": scope}
    if charset:
        headers["Content-Type"] = "application/json; charset=utf-8"
    return _json(body, status=429, headers=headers)
