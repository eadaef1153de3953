"""Who may do what: roles from configuration, matched against platform users and roles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.events import Actor
from taskbank.errors import NotAllowed


class Role(StrEnum):
    """The three roles; a coordinator may also review and write, a reviewer may also write."""

    WRITER = "writer"
    REVIEWER = "reviewer"
    COORDINATOR = "coordinator"


_IMPLIED = {
    Role.WRITER: (Role.WRITER, Role.REVIEWER, Role.COORDINATOR),
    Role.REVIEWER: (Role.REVIEWER, Role.COORDINATOR),
    Role.COORDINATOR: (Role.COORDINATOR,),
}


@dataclass(frozen=True)
class Roles:
    """Entries are '*', 'platform:user_id' or 'platform:role:role_id'."""

    writers: Sequence[str] = ("*",)
    reviewers: Sequence[str] = ()
    coordinators: Sequence[str] = ()

    def _entries(self, role: Role) -> Sequence[str]:
        return {
            Role.WRITER: self.writers,
            Role.REVIEWER: self.reviewers,
            Role.COORDINATOR: self.coordinators,
        }[role]

    def has(self, actor: Actor, role: Role) -> bool:
        """Whether the actor holds this role (directly or through a higher one)."""
        keys = {actor.key, *(f"{actor.platform}:role:{r}" for r in actor.role_ids)}
        return any(
            entry == "*" or entry in keys
            for holder in _IMPLIED[role]
            for entry in self._entries(holder)
        )

    def require(self, actor: Actor, role: Role, doing: str) -> None:
        """Refuse clearly when the actor lacks the role."""
        if not self.has(actor, role):
            # Roles live in the configuration file, not in the chat: say where to add this person.
            raise NotAllowed(
                f"{doing} is for {role.value}s. To become one, a coordinator adds '{actor.key}'"
                f" to `{role.value}s` under [roles] in the bot's configuration file (taskbot.toml by default)"
                " and restarts the bot"
            )
