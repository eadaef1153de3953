"""Coordinators on Discord: /batch import with an attached file, the batch subcommands, exports
to direct messages, /tally; and who may not."""

from __future__ import annotations

import json

from tests.batches import TONE_ANSWER, header, jsonl, tone_batch, tone_task
from tests.discord.conftest import Room
from tests.inspect_db import query


async def batch(room: Room, sub: str, options: dict | None = None, **kw) -> dict:
    answered = await room.server.command(
        room.coordinator, "batch", options, sub=sub, channel=room.coordinators, **kw
    )
    return room.server.answer(answered)


async def test_batch_import_reads_the_attached_file(room):
    card = await batch(room, "import", file=("tone.jsonl", tone_batch(3)))
    assert card["embeds"][0]["title"] == "✅ Imported batch 1: tone-1"
    assert card["flags"] & 64
    assert await query(room.bank.store, "SELECT count(*) FROM tasks") == [(3,)]


async def test_a_bad_file_imports_nothing_and_lists_each_line(room):
    data = jsonl(header(), [tone_task(1), "{oops", {"id": "t-3", "payload": {}}])
    shown = room.server.text(await batch(room, "import", file=("bad.jsonl", data)))
    assert "bad.jsonl: nothing was imported" in shown
    assert "bad.jsonl:3" in shown and "bad.jsonl:4" in shown and "payload.excerpt" in shown
    assert await query(room.bank.store, "SELECT count(*) FROM batches") == [(0,)]


async def test_an_oversized_file_is_refused_before_download(room):
    big = b"x" * (50 * 1024 * 1024 + 1)
    shown = room.server.text(await batch(room, "import", file=("huge.jsonl", big)))
    assert "at most 52,428,800 are accepted" in shown
    assert not room.fake.called("GET", r"/files/")  # never downloaded


async def test_a_writer_cannot_import(room):
    answered = await room.server.command(
        room.writer, "batch", sub="import", file=("tone.jsonl", tone_batch(1))
    )
    assert "Not allowed" in room.server.text(room.server.answer(answered))
    assert await query(room.bank.store, "SELECT count(*) FROM batches") == [(0,)]


async def test_list_status_pause_resume_close(room):
    await room.bank.import_batch(tone_batch(2), filename="tone.jsonl")
    assert "1: tone-1" in room.server.text(await batch(room, "list"))
    assert "0 of 2 answers" in room.server.text(await batch(room, "status", {"batch": 1}))
    for verb, state in (("pause", "paused"), ("resume", "open"), ("close", "closed")):
        card = await batch(room, verb, {"batch": 1})
        assert card["embeds"][0]["title"].endswith(f"is {state}")
    assert "no batch 7" in room.server.text(await batch(room, "status", {"batch": 7})).lower()


async def test_export_comes_back_as_a_file_in_the_coordinators_direct_messages(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    claimed = await room.bank.claim(f"discord:{room.writer.id}")
    await room.bank.submit(claimed.assignment.id, f"discord:{room.writer.id}", TONE_ANSWER, "k")
    card = await batch(room, "export", {"batch": 1, "format": "jsonl"})
    assert card["embeds"][0]["title"] == "✅ Done"  # the thinking state ends
    (message,) = room.fake.direct_to(room.coordinator.id)
    assert message["content"] == "1 answers from batch 1"
    (attachment,) = message["attachments"]
    assert attachment["filename"] == "tone-1.jsonl"
    rows = [json.loads(line) for line in room.fake.file_content(attachment).decode().splitlines()]
    assert rows[0]["answers"] == TONE_ANSWER


async def test_tally_posts_in_the_channel(room):
    card = room.server.answer(
        await room.server.command(
            room.coordinator, "tally", {"period": "week"}, channel=room.coordinators
        )
    )
    assert card["embeds"][0]["title"] == "✅ Done"
    (posted,) = room.fake.in_channel(room.coordinators)
    assert posted["embeds"][0]["title"].startswith("Tally, ")
    assert not room.fake.refused
