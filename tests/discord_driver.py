"""People using Discord, for tests: each sends what Discord's gateway would send for a slash
command, a click, a menu pick, a modal submit or a reaction, and reads back what the fake holds.

Clicks, picks and modal submits are built from what the bot really posted: a test can only press
a button, pick an option or fill an input the bot drew.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from tests.discord_fake import APP_ID, GUILD_ID, FakeDiscord, Interaction, user_object
from tests.waiting import WAIT_SECONDS, until


@dataclass(frozen=True)
class Person:
    """A member of the fake server."""

    id: str
    name: str
    roles: tuple[str, ...] = ()

    def user(self) -> dict[str, Any]:
        return user_object(self.id, self.name)

    def member(self) -> dict[str, Any]:
        return {
            "user": self.user(),
            "roles": list(self.roles),
            "joined_at": "2026-01-05T10:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "permissions": "2248473465835073",
        }


class Server:
    """The fake Discord plus the people in it."""

    def __init__(self, fake: FakeDiscord, channel: str) -> None:
        self.fake = fake
        self.channel = channel  # where people run commands

    # -- sending ---------------------------------------------------------------------------

    async def _send(
        self,
        who: Person,
        kind: int,
        data: dict[str, Any],
        *,
        channel: str | None = None,
        message: dict[str, Any] | None = None,
        wait: bool = True,
    ) -> Interaction:
        interaction_id = self.fake.snowflake()
        channel = channel or (message["channel_id"] if message else self.channel)
        direct = channel in self.fake.dm_channels.values()
        payload: dict[str, Any] = {
            "id": interaction_id,
            "application_id": APP_ID,
            "type": kind,
            "data": data,
            "token": f"token-{interaction_id}",
            "version": 1,
            "app_permissions": "2248473465835073",
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": channel,
        }
        if direct:
            payload.update(
                user=who.user(),
                context=1,
                channel={"id": channel, "type": 1, "recipients": [who.user()], "flags": 0},
                authorizing_integration_owners={"1": who.id},
            )
        else:
            payload.update(
                guild_id=GUILD_ID,
                guild_locale="en-US",
                member=who.member(),
                context=0,
                channel=self.fake.channels[channel],
                authorizing_integration_owners={"0": GUILD_ID},
            )
        if message is not None:
            payload["message"] = message
        record = Interaction(interaction_id, payload["token"], kind, payload)
        self.fake.interactions[interaction_id] = record
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        if wait:
            await asyncio.wait_for(record.answered.wait(), WAIT_SECONDS)
        return record

    async def raw(self, who: Person, kind: int, data: dict[str, Any], **kw: Any) -> Interaction:
        """An interaction of `kind` whose data is exactly `data` (a shape Discord would not
        send, say), from `who` in the command channel unless `channel` or `message` is given."""
        return await self._send(who, kind, data, **kw)

    async def command(
        self,
        who: Person,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        file: tuple[str, bytes] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        channel: str | None = None,
        wait: bool = True,
    ) -> Interaction:
        """A slash command, as Discord sends it: options typed, a subcommand nesting them, and
        files (`file`, or `files` by option name) as attachment options resolved in the data."""
        typed = [
            {"name": key, "type": 4 if isinstance(value, int) else 3, "value": value}
            for key, value in (options or {}).items()
        ]
        data: dict[str, Any] = {
            "id": self.fake.snowflake(),
            "name": name,
            "type": 1,
            "guild_id": GUILD_ID,
        }
        attached = {**({"file": file} if file is not None else {}), **(files or {})}
        for option, (filename, content) in attached.items():
            attachment = self.fake.attach(filename, content)
            typed.append({"name": option, "type": 11, "value": attachment["id"]})
            resolved = data.setdefault("resolved", {"attachments": {}})
            resolved["attachments"][attachment["id"]] = attachment
        data["options"] = [{"name": sub, "type": 1, "options": typed}] if sub else typed
        return await self._send(who, 2, data, channel=channel, wait=wait)

    async def click(
        self, who: Person, message: dict[str, Any], label: str, **kw: Any
    ) -> Interaction:
        """Press the button whose label (or custom id) is `label` on a posted message."""
        button = self.button(message, label)
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._send(who, 3, data, message=message, **kw)

    async def pick(
        self, who: Person, message: dict[str, Any], custom_id: str, labels: list[str], **kw: Any
    ) -> Interaction:
        """Choose options (by label) in the select whose custom id starts with `custom_id`."""
        select = self.select(message, custom_id)
        by_label = {o["label"]: o["value"] for o in select["options"]}
        data = {
            "custom_id": select["custom_id"],
            "component_type": 3,
            "values": [by_label[label] for label in labels],
        }
        return await self._send(who, 3, data, message=message, **kw)

    async def submit(
        self, who: Person, opened: Interaction, values: dict[str, Any], **kw: Any
    ) -> Interaction:
        """Send back the modal `opened` showed, filled with `values` by input custom id (a str
        for a text input, a list of option labels for a select); other inputs as pre-filled."""
        modal = opened.modal
        assert modal is not None, f"no modal was opened (callback {opened.callback})"
        components = []
        for label in modal["components"]:
            inner = label["component"]
            key = inner["custom_id"]
            if inner["type"] == 4:
                value = values.get(key, inner.get("value") or "")
                components.append(
                    {"type": 18, "component": {"type": 4, "custom_id": key, "value": value}}
                )
            else:
                by_label = {o["label"]: o["value"] for o in inner["options"]}
                if key in values:
                    picked = [by_label[label] for label in values[key]]
                else:
                    picked = [o["value"] for o in inner["options"] if o.get("default")]
                components.append(
                    {
                        "type": 18,
                        "component": {"type": 3, "custom_id": key, "values": picked},
                    }
                )
        data = {"custom_id": modal["custom_id"], "components": components}
        message = opened.payload.get("message")
        channel = opened.payload["channel_id"]
        return await self._send(who, 5, data, channel=channel, message=message, **kw)

    async def react(self, who: Person, message: dict[str, Any], emoji: str) -> None:
        """Add a reaction, as the gateway reports it (MESSAGE_REACTION_ADD)."""
        data: dict[str, Any] = {
            "user_id": who.id,
            "channel_id": message["channel_id"],
            "message_id": message["id"],
            "emoji": {"id": None, "name": emoji},
            "message_author_id": message["author"]["id"],
            "burst": False,
            "burst_colors": [],
            "type": 0,
        }
        if message.get("guild_id"):
            data.update(guild_id=GUILD_ID, member=who.member())
        await self.fake.dispatch("MESSAGE_REACTION_ADD", data)

    async def unreact(self, who: Person, message: dict[str, Any], emoji: str) -> None:
        """Take a reaction back, as the gateway reports it (MESSAGE_REACTION_REMOVE: no member)."""
        data: dict[str, Any] = {
            "user_id": who.id,
            "channel_id": message["channel_id"],
            "message_id": message["id"],
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
        }
        if message.get("guild_id"):
            data["guild_id"] = GUILD_ID
        await self.fake.dispatch("MESSAGE_REACTION_REMOVE", data)

    async def clear_reactions(self, message: dict[str, Any], emoji: str | None = None) -> None:
        """A moderator clears a message's reactions, as the gateway reports it: all of them
        (MESSAGE_REACTION_REMOVE_ALL) or all of one emoji (MESSAGE_REACTION_REMOVE_EMOJI). Neither
        says who cleared them."""
        data: dict[str, Any] = {"channel_id": message["channel_id"], "message_id": message["id"]}
        if message.get("guild_id"):
            data["guild_id"] = GUILD_ID
        if emoji is None:
            await self.fake.dispatch("MESSAGE_REACTION_REMOVE_ALL", data)
        else:
            data["emoji"] = {"id": None, "name": emoji}
            await self.fake.dispatch("MESSAGE_REACTION_REMOVE_EMOJI", data)

    # -- reading ---------------------------------------------------------------------------

    def answer(self, record: Interaction) -> dict[str, Any]:
        """The message an interaction's answer left: the last follow-up, else the original."""
        message_id = record.followups[-1] if record.followups else record.original_id
        assert message_id is not None, f"no message answered interaction {record.id}"
        return self.fake.messages[message_id]

    @staticmethod
    def controls(message: dict[str, Any]) -> list[dict[str, Any]]:
        return [c for row in message.get("components") or [] for c in row["components"]]

    def button(self, message: dict[str, Any], label: str) -> dict[str, Any]:
        for control in self.controls(message):
            if control["type"] == 2 and label in (control.get("label"), control["custom_id"]):
                return control
        shown = [c.get("label") for c in self.controls(message)]
        raise AssertionError(f"no button {label!r} on the message; it has {shown}")

    def select(self, message: dict[str, Any], custom_id: str) -> dict[str, Any]:
        for control in self.controls(message):
            if control["type"] == 3 and control["custom_id"].startswith(custom_id):
                return control
        raise AssertionError(f"no select {custom_id!r} on the message")

    @staticmethod
    def text(message: dict[str, Any]) -> str:
        """Everything a person reads on a message: titles, descriptions, fields, footers."""
        parts = [message.get("content") or ""]
        for embed in message.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)

    async def wait_for(self, check: Any, what: str) -> Any:
        """Poll until `check()` is truthy (some answers follow the interaction's response)."""
        return await until(check, what)
