"""Coordinators on Discord: /batch import with an attached file (a CSV with its settings beside
it), the batch subcommands, exports to direct messages, /tally; and who may not — refused before
anything is downloaded."""

from __future__ import annotations

import asyncio
import json

from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch, tone_task
from tests.discord.conftest import Room
from tests.waiting import WAIT_SECONDS


async def batch(room: Room, sub: str, options: dict | None = None, **kw) -> dict:
    answered = await room.server.command(
        room.coordinator, "batch", options, sub=sub, channel=room.coordinators, **kw
    )
    return room.server.answer(answered)


CSV = b"id,excerpt\nc-1,A: One.\nc-2,A: Two.\n"


async def test_batch_import_reads_the_attached_file(room):
    card = await batch(room, "import", file=("tone.jsonl", tone_batch(3)))
    assert card["embeds"][0]["title"] == "✅ Imported batch 1: tone-1"
    assert card["flags"] & 64
    assert await reads.task_count(room.bank) == 3
    assert len(room.fake.downloads) == 1  # a coordinator's file is fetched, once


async def test_a_csv_imports_with_its_settings_attached_beside_it(room):
    settings = json.dumps(header(name="csv-1")).encode()
    card = await batch(
        room,
        "import",
        files={"file": ("tasks.csv", CSV), "settings": ("tasks.settings.json", settings)},
    )
    assert card["embeds"][0]["title"] == "✅ Imported batch 1: csv-1"
    assert [(await room.bank.task(i)).external_id for i in (1, 2)] == ["c-1", "c-2"]
    claimed = await room.bank.claim(f"discord:{room.writer.id}")
    assert claimed.task.payload == {"excerpt": "A: One."}


async def test_a_csv_alone_is_refused_saying_how_to_attach_its_settings(room):
    shown = room.server.text(await batch(room, "import", file=("tasks.csv", CSV)))
    assert "tasks.csv: nothing was imported" in shown
    assert "attach them as a JSON file beside it, named tasks.settings.json" in shown
    assert await reads.batch_count(room.bank) == 0


async def test_a_file_discord_will_not_hand_over_is_refused_in_words(room):
    answered = await room.server.command(
        room.coordinator,
        "batch",
        sub="import",
        file=("tone.jsonl", tone_batch(1)),
        channel=room.coordinators,
        wait=False,
    )
    room.fake.files.clear()  # gone from the CDN before the bot asks for it
    await asyncio.wait_for(answered.answered.wait(), WAIT_SECONDS)
    shown = room.server.text(room.server.answer(answered))
    assert "tone.jsonl: nothing was imported" in shown
    assert "Discord would not hand it over (status 404); upload it again" in shown
    assert await reads.batch_count(room.bank) == 0


async def test_a_bad_file_imports_nothing_and_lists_each_line(room):
    data = jsonl(header(), [tone_task(1), "{oops", {"id": "t-3", "payload": {}}])
    shown = room.server.text(await batch(room, "import", file=("bad.jsonl", data)))
    assert "bad.jsonl: nothing was imported" in shown
    assert "bad.jsonl:3" in shown and "bad.jsonl:4" in shown and "payload.excerpt" in shown
    assert await reads.batch_count(room.bank) == 0


async def test_an_oversized_file_is_refused_before_download(room):
    big = b"x" * (50 * 1024 * 1024 + 1)
    shown = room.server.text(await batch(room, "import", file=("huge.jsonl", big)))
    assert "at most 52,428,800 are accepted" in shown
    assert room.fake.downloads == []  # never downloaded


async def test_a_writers_import_is_refused_before_the_file_is_downloaded(room):
    settings = json.dumps(header()).encode()
    answered = await room.server.command(
        room.writer,
        "batch",
        sub="import",
        files={"file": ("tasks.csv", CSV * 1000), "settings": ("tasks.settings.json", settings)},
    )
    assert "Not allowed" in room.server.text(room.server.answer(answered))
    assert room.fake.downloads == []  # neither file was fetched for someone who may not import
    assert await reads.batch_count(room.bank) == 0


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
    message, contributors = room.fake.direct_to(room.coordinator.id)  # rows, then credits
    assert contributors["content"] == "contributors to batch 1: 0 credited, 1 more"
    assert message["content"] == "1 answer from batch 1"
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
