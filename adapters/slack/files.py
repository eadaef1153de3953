"""Files shared in Slack as lazy attachments: nothing is asked of Slack until the bot reads one.

A command names files by link (`https://team.slack.com/files/U…/F…/name.csv`, which carries the
name) and a message shortcut carries each file's name and size, so the bot can check the role and
the size before a byte moves. Only a read calls `files.info` (for the private URL) and downloads,
with the bot token, at most the limit plus one byte.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import unquote

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.events import Attachment
from taskbank.errors import Problem, ValidationFailed

# A file's permalink: /files/<user or team id>/<file id>/<name, as Slack spells it in URLs>.
_LINK = re.compile(r"https?://[^\s<>|]+/files/[A-Z0-9]+/(F[A-Z0-9]{6,})/([^\s<>|/?#]+)")
_BARE_ID = re.compile(r"(?<![/\w])(F[A-Z0-9]{6,})(?![/\w])")


def linked_files(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The (file id, name) of each file link in a command's text, and the bare ids given instead."""
    links = [(file_id, unquote(name)) for file_id, name in _LINK.findall(text)]
    rest = _LINK.sub(" ", text)
    return links, _BARE_ID.findall(rest)


def shared_files(files: list[dict[str, Any]]) -> list[tuple[str, str | None, int | None]]:
    """(id, name, size) of the files a message shortcut's payload carries; the name is None for
    a file Slack sends without it (in a Slack Connect channel: `file_access: check_file_info`,
    and only files.info tells the rest)."""
    found = []
    for item in files:
        file_id = item.get("id")
        if not isinstance(file_id, str) or not file_id:
            continue
        name = item.get("name") or item.get("title")
        if item.get("file_access") == "check_file_info" or not isinstance(name, str):
            found.append((file_id, None, None))
            continue
        size = item.get("size")
        found.append((file_id, name, size if isinstance(size, int) else None))
    return found


# files.info's answers for a file it will not describe, and what to do (a message keeps a deleted
# file as `mode: tombstone`, and one past a free workspace's limit as `hidden_by_limit`).
_FILE_REFUSED = "Slack would not show it ({}); share it in a channel the app is in, and try again"
_FILE_REFUSALS = {
    "file_deleted": "it was deleted from Slack; share the file again, then import that message",
    "file_not_found": (
        "Slack cannot find it (deleted, past the workspace's file limit, or in a conversation the"
        " app is not in); share it again in a channel the app is in, and try again"
    ),
}


class SlackFiles:
    """Makes attachments that fetch a shared file through the Web API when read."""

    def __init__(self, client: AsyncWebClient, bot_token: str) -> None:
        self.client = client
        self.bot_token = bot_token

    def attachment(self, file_id: str, name: str | None, size: int | None = None) -> Attachment:
        """A lazy attachment; one whose name Slack did not send is named by files.info when the
        bot first needs the name (after the role check)."""
        if name is None:
            return Attachment(file_id, describe=partial(self.described, file_id))
        return Attachment(name, size=size, fetch=partial(self.fetch, file_id, name))

    async def described(self, file_id: str) -> Attachment:
        """The attachment of a file Slack sent without its name, named and sized by files.info."""
        info = await self._info(file_id, file_id)
        name = str(info.get("name") or info.get("title") or file_id)
        size = info.get("size")
        return self.attachment(file_id, name, size if isinstance(size, int) else None)

    async def _info(self, file_id: str, name: str) -> dict[str, Any]:
        try:
            return (await self.client.files_info(file=file_id))["file"]
        except SlackApiError as error:
            code = str(error.response.get("error"))
            raise refused(name, _FILE_REFUSALS.get(code, _FILE_REFUSED.format(code))) from None

    async def fetch(self, file_id: str, name: str, max_bytes: int) -> bytes:
        """A shared file's bytes: files.info for its size and private URL, then a GET."""
        info = await self._info(file_id, name)
        name = str(info.get("name") or name)
        size = info.get("size")
        if isinstance(size, int) and size > max_bytes:
            raise refused(name, f"is {size:,} bytes; at most {max_bytes:,} are accepted")
        url = info.get("url_private_download") or info.get("url_private")
        if not isinstance(url, str) or not url:
            raise refused(name, "Slack gave no download address for it")
        headers = {"Authorization": f"Bearer {self.bot_token}"}
        session = self.client.session
        own = session is None or session.closed
        if own:
            session = aiohttp.ClientSession()
        try:
            async with session.get(url, headers=headers) as got:  # type: ignore[union-attr]
                # Without a valid token Slack answers a sign-in page, not the file.
                if got.status != 200 or got.content_type == "text/html":
                    raise refused(
                        name,
                        f"Slack would not hand it over (HTTP {got.status}); check the app's "
                        "files:read scope",
                    )
                return await _at_most(got.content, max_bytes + 1)
        finally:
            if own:
                await session.close()  # type: ignore[union-attr]


async def _at_most(stream: aiohttp.StreamReader, limit: int) -> bytes:
    """Up to `limit` bytes of a body (one read returns only what has arrived)."""
    chunks, total = [], 0
    while total < limit and (chunk := await stream.read(limit - total)):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def refused(filename: str, message: str) -> ValidationFailed:
    """A file Slack would not hand over, as the located problem the bot reports."""
    return ValidationFailed([Problem("file", message, filename)])
