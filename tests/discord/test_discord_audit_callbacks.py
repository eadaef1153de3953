"""Interaction callbacks answered 204 with no body, as Discord answers one whose response is not
asked back: discord.py asks (`with_response`) and then fails reading the missing body, after it
has recorded the answer as given. Every first answer (a deferral, a card update, a modal, a modal
submit) still counts as given, and each template's journey ends saved."""

from __future__ import annotations

import logging

import pytest

from taskbank.sample_bank import sample_files
from tests.discord.test_discord_writer import round_trip

JOURNEYS = ("01_dialogue-tone", "06_endings", "07_dialogue-rewrites")  # card, ranking, rewrite


@pytest.mark.parametrize(
    "sample", [p for p in sample_files() if p.stem in JOURNEYS], ids=lambda path: path.stem
)
async def test_a_journey_ends_saved_when_callbacks_come_back_without_a_body(room, sample, caplog):
    room.fake.callback_bodies = False
    await round_trip(room, sample)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
