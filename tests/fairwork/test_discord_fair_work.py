"""Fair work on Discord (discord.py against the fake gateway and REST server): /earnings export
sends the writer's record to their direct messages; /bonus names the writer by mention."""

from __future__ import annotations

import csv
import io

from taskbank.models import Verdict
from tests.batches import TONE_ANSWER, tone_batch
from tests.fairwork.ledger import has_worked


async def test_earnings_export_arrives_as_a_csv_in_the_writers_direct_messages(room):
    writer = f"discord:{room.writer.id}"
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    claimed = await room.bank.claim(writer)
    result = await room.bank.submit(claimed.assignment.id, writer, TONE_ANSWER, "k")
    await room.bank.record_review(result.submission.id, "discord:9", Verdict.REJECTED, "flat")
    await room.server.command(room.writer, "earnings", {"period": "export"})
    message = await room.server.wait_for(
        lambda: [m for m in room.fake.direct_to(room.writer.id) if m.get("attachments")],
        "the record",
    )
    (attachment,) = message[0]["attachments"]
    assert attachment["filename"] == "my-taskbot-record.csv"
    rows = list(csv.DictReader(io.StringIO(room.fake.file_content(attachment).decode())))
    assert [(r["status"], r["reason"]) for r in rows] == [("rejected", "flat")]


async def test_a_bonus_on_discord_reaches_the_writer(room):
    await has_worked(room.bank, f"discord:{room.writer.id}")
    await room.server.command(
        room.coordinator,
        "bonus",
        {"writer": f"<@{room.writer.id}>", "amount": "2", "reason": "clean rewrite"},
    )
    told = await room.server.wait_for(
        lambda: [
            m
            for m in room.fake.direct_to(room.writer.id)
            if "A bonus of $2.00" in room.server.text(m)
        ],
        "the bonus notice",
    )
    assert "clean rewrite" in room.server.text(told[0])
