"""A form answer the draft cannot keep, on Discord (whose modals close on submit): the writer is
told what to fix, and "Fix it…" reopens the form as it was typed; nothing is saved."""

from __future__ import annotations

from taskbank.sample_bank import sample_files
from tests import bank_reads as reads
from tests.discord.conftest import Room
from tests.discord.test_discord_writer import claim
from tests.discord_driver import Interaction

# A rewrite holding bidi controls, which an answer may not keep.
REFUSED_TEXT = "I am so tired after \u2066Maria\u2069's double shift that I could sleep standing."


async def submit_refused_rewrite(room: Room) -> Interaction:
    """A writer claims a rewrite and submits REFUSED_TEXT: the submit, refused."""
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await room.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(room)
    opened = await room.server.click(room.writer, card, "Write your answer…")
    return await room.server.submit(room.writer, opened, {"rewrite": REFUSED_TEXT})


async def test_text_the_draft_refuses_reopens_the_form_with_it_and_saves_nothing(room):
    text = REFUSED_TEXT
    note = room.server.answer(await submit_refused_rewrite(room))
    assert "U+2066" in room.server.text(note), room.server.text(note)
    again = await room.server.click(room.writer, note, "Fix it…")
    (label,) = again.modal["components"]
    assert label["component"]["value"] == text  # what was typed, to fix
    assert await reads.saved_drafts(room.bank, f"discord:{room.writer.id}") == 0
    assert await reads.submission_count(room.bank) == 0
