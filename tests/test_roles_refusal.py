"""A refusal for want of a role says where roles live: the default file is taskbot.toml (it had
named config.toml, a file Taskbot never reads)."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_CONFIG_FILE
from bot.events import Actor
from bot.roles import Role, Roles
from taskbank.errors import NotAllowed


def test_the_refusal_names_the_person_the_key_and_the_default_file():
    with pytest.raises(NotAllowed) as refused:
        Roles().require(Actor("slack", "U024BE7LH"), Role.REVIEWER, "Reviewing")
    message = str(refused.value)
    assert "'slack:U024BE7LH'" in message and "`reviewers` under [roles]" in message
    assert f"({DEFAULT_CONFIG_FILE} by default)" in message
    assert "config.toml" not in message.replace(str(DEFAULT_CONFIG_FILE), "")
