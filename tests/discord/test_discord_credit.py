"""/credit on Discord (the real discord.py client, a fake Discord): the project option arrives
whole, spaces and all, and the name's words after it; the answer is private."""

from __future__ import annotations

from tests.batches import tone_batch


async def test_a_writer_opts_in_and_out_on_discord(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    writer = room.writer
    options = {"project": "test project", "name": "Rita Moreno"}
    card = room.server.answer(await room.server.command(writer, "credit", options))
    assert card["flags"] & 64  # ephemeral: only the writer sees it
    assert "Credited on Test project as Rita Moreno" in room.server.text(card)
    assert [c.name for c in await room.bank.credits_of(f"discord:{writer.id}")] == ["Rita Moreno"]

    options = {"project": "Test project", "name": "off"}
    card = room.server.answer(await room.server.command(writer, "credit", options))
    assert "Not credited on Test project" in room.server.text(card)
    assert await room.bank.credits_of(f"discord:{writer.id}") == []
