"""How the fake reads requests and answers them: bodies (JSON or multipart), errors, JSON."""

from __future__ import annotations

import json
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
