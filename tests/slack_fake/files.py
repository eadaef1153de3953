"""The fake Slack's files: shared files and their messages, files.info, the external upload
(files.getUploadURLExternal / completeUploadExternal) and the download and upload URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.slack_fake.records import BOT_TOKEN, Message, error, ok


@dataclass
class SharedFile:
    id: str
    name: str
    content: bytes
    mimetype: str = "text/plain"


class FakeFiles:
    """FakeSlack's file methods (its state: files, uploads, downloads, messages, url)."""

    files: dict[str, SharedFile]
    uploads: list[dict[str, Any]]
    downloads: list[str]
    messages: dict[tuple[str, str], Message]
    url: str

    def next_ts(self) -> str:  # FakeSlack's
        raise NotImplementedError

    def share_file(self, name: str, content: bytes) -> SharedFile:
        shared = SharedFile(f"F{len(self.files) + 1:08d}", name, content)
        self.files[shared.id] = shared
        return shared

    def file_message(self, shared: SharedFile, user: str, channel: str) -> Message:
        message = Message(channel, self.next_ts(), "", [], user=user, bot=False)
        message.files = [self.file_object(shared)]
        self.messages[(channel, message.ts)] = message
        return message

    def link(self, shared: SharedFile, user: str = "U0COORD") -> str:
        """The file's permalink, as a person pastes it into a command (Slack wraps it in <>)."""
        return f"<https://writers.slack.com/files/{user}/{shared.id}/{shared.name}>"

    def file_object(self, shared: SharedFile) -> dict[str, Any]:
        return {
            "id": shared.id,
            "name": shared.name,
            "title": shared.name,
            "mimetype": shared.mimetype,
            "filetype": shared.name.rsplit(".", 1)[-1],
            "size": len(shared.content),
            "url_private": f"{self.url}/files-pri/{shared.id}/{shared.name}",
            "url_private_download": f"{self.url}/files-pri/{shared.id}/{shared.name}",
        }

    async def m_files_info(self, args: dict[str, Any]) -> web.Response:
        shared = self.files.get(str(args["file"]))
        if shared is None:
            return error("file_not_found")
        return ok(file=self.file_object(shared))

    async def m_files_getUploadURLExternal(self, args: dict[str, Any]) -> web.Response:
        file_id = f"FUP{len(self.uploads) + 1:06d}"
        self.uploads.append(
            {"id": file_id, "filename": args["filename"], "length": int(args["length"])}
        )
        return ok(upload_url=f"{self.url}/upload/{file_id}", file_id=file_id)

    async def m_files_completeUploadExternal(self, args: dict[str, Any]) -> web.Response:
        done = []
        for item in args["files"]:
            upload = next(u for u in self.uploads if u["id"] == item["id"])
            if "content" not in upload:
                return error("file_not_uploaded")
            upload.update(
                channel=args.get("channel_id"),
                comment=args.get("initial_comment"),
                title=item.get("title"),
                completed=True,
            )
            done.append({"id": upload["id"], "name": upload["filename"]})
        channel = args.get("channel_id")
        if channel:
            # Sharing a file posts a message carrying it (and the comment as its text).
            message = Message(str(channel), self.next_ts(), args.get("initial_comment") or "", [])
            message.files = [
                {"id": u["id"], "name": u["filename"], "title": u.get("title")}
                for u in self.uploads
                if u["id"] in {d["id"] for d in done}
            ]
            self.messages[(message.channel, message.ts)] = message
        return ok(files=done)

    async def _download(self, request: web.Request) -> web.Response:
        shared = self.files.get(request.match_info["file_id"])
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            # Slack answers a sign-in page, not the file.
            return web.Response(text="<html>Sign in to Slack</html>", content_type="text/html")
        if shared is None:
            return web.Response(status=404)
        self.downloads.append(shared.id)
        return web.Response(body=shared.content, content_type="application/octet-stream")

    async def _upload(self, request: web.Request) -> web.Response:
        upload = next(u for u in self.uploads if u["id"] == request.match_info["file_id"])
        upload["content"] = await request.read()
        return web.Response(text=f"OK - {len(upload['content'])}")
