"""Interaction callbacks answered 204 with no body, as Discord answers one whose response is not
asked back: discord.py asks (`with_response`) and then fails reading the missing body, after it
has recorded the answer as given. Every first answer (a deferral, a card update, a modal, a modal
submit) still counts as given, and each template's journey ends saved."""

from __future__ import annotations

import logging

import pytest

from taskbank.sample_bank import sample_files
from tests.discord.test_discord_writer import answer_card, claim, fill_forms, ids

JOURNEYS = ("01_dialogue-tone", "06_endings", "07_dialogue-rewrites")  # card, ranking, rewrite


@pytest.mark.parametrize(
    "sample", [p for p in sample_files() if p.stem in JOURNEYS], ids=lambda path: path.stem
)
async def test_a_journey_ends_saved_when_callbacks_come_back_without_a_body(room, sample, caplog):
    room.fake.callback_bodies = False
    await room.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(room)
    assignment = int(ids(room, card, "submit:")[0].split(":")[1])
    card = await answer_card(room, card)
    if ids(room, card, "form:"):
        card = await fill_forms(room, card)
    else:
        card = room.server.answer(await room.server.click(room.writer, card, "Submit"))
    assert "Saved — pending review" in room.server.text(card), room.server.text(card)
    saved = await room.bank.submission_for(assignment)
    assert saved is not None and saved.writer_id == f"discord:{room.writer.id}"
    assert not room.fake.refused
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
