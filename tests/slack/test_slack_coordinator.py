"""Coordinators on Slack: import a shared file, manage batches, export as a file upload, tally."""

from __future__ import annotations

import json

from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch, tone_task
from tests.slack.conftest import COORDINATOR, WRITER
from tests.slack_driver import text_of


async def reply_to(workspace, text: str, seen: int | None = None):
    seen = len(workspace.visible_to(COORDINATOR)) if seen is None else seen
    await workspace.command(COORDINATOR, "/batch", text, channel="C0COORDS")
    return await workspace.new_card(COORDINATOR, seen)


async def test_batch_import_fetches_the_linked_file_with_the_bot_token(workspace):
    shared = workspace.fake.share_file("tone.jsonl", tone_batch(3))
    link = f"https://writers.slack.com/files/{COORDINATOR}/{shared.id}/tone.jsonl"
    card = await reply_to(workspace, f"import <{link}>")
    assert card.blocks[0]["text"]["text"] == "✅ Imported batch 1: tone-1"
    assert workspace.fake.called("files.info") == [{"file": shared.id}]
    assert await reads.task_count(workspace.bank) == 3


async def test_the_import_shortcut_on_a_file_message_imports_it(workspace):
    shared = workspace.fake.share_file("tone.jsonl", tone_batch(2))
    message = workspace.fake.file_message(shared, COORDINATOR, "C0COORDS")
    file_object = workspace.fake.file_object(shared)
    status, _ = await workspace.shortcut(COORDINATOR, message, "import_batch", [file_object])
    assert status == 200
    card = await workspace.new_card(COORDINATOR, 0)
    assert "Imported batch 1" in card.blocks[0]["text"]["text"]


async def test_a_bad_file_imports_nothing_and_lists_each_line(workspace):
    data = jsonl(header(), [tone_task(1), "{oops", {"id": "t-3", "payload": {}}])
    shared = workspace.fake.share_file("bad.jsonl", data)
    card = await reply_to(workspace, f"import {workspace.fake.link(shared)}")
    shown = text_of(card)
    assert "bad.jsonl: nothing was imported" in shown
    assert "bad.jsonl:3" in shown and "bad.jsonl:4" in shown and "payload.excerpt" in shown
    assert await reads.batch_count(workspace.bank) == 0


async def test_import_without_a_file_or_of_a_missing_file_says_what_to_do(workspace):
    card = await reply_to(workspace, "import")
    assert "Import batch" in text_of(card) and "/batch import &lt;file link&gt;" in text_of(card)
    card = await reply_to(
        workspace, "import <https://writers.slack.com/files/U0C/F0NOSUCHFILE/x.jsonl>"
    )
    assert "x.jsonl: file: Slack cannot find it" in text_of(card)
    assert "share it again in a channel the app is in" in text_of(card)
    card = await reply_to(workspace, "import F0NOSUCHFILE")
    assert "paste the file's link" in text_of(card)
    assert workspace.fake.downloads == []
    assert await reads.batch_count(workspace.bank) == 0


async def test_an_oversized_file_is_refused_from_its_size_before_download(workspace, fake_slack):
    shared = fake_slack.share_file("huge.jsonl", b"x" * (50 * 1024 * 1024 + 1))
    card = await reply_to(workspace, f"import {fake_slack.link(shared)}")
    assert "huge.jsonl: file: is 52,428,801 bytes; at most 52,428,800 are accepted" in text_of(card)
    assert fake_slack.downloads == []


async def test_an_oversized_file_under_the_shortcut_is_refused_before_any_call(workspace):
    fake = workspace.fake
    shared = fake.share_file("huge.jsonl", b"x" * (50 * 1024 * 1024 + 1))
    message = fake.file_message(shared, COORDINATOR, "C0COORDS")
    await workspace.shortcut(COORDINATOR, message, "import_batch", [fake.file_object(shared)])
    card = await workspace.new_card(COORDINATOR, 0)
    assert "huge.jsonl: file: is 52,428,801 bytes" in text_of(card)
    assert fake.called("files.info") == [] and fake.downloads == []


async def test_a_writers_import_is_refused_before_slack_is_asked_for_the_file(workspace):
    fake = workspace.fake
    shared = fake.share_file("tone.jsonl", tone_batch(1))
    await workspace.command(WRITER, "/batch", f"import {fake.link(shared)}")
    card = await workspace.new_card(WRITER, 0)
    assert "Not allowed" in card.blocks[0]["text"]["text"]
    assert fake.called("files.info") == [] and fake.downloads == []
    assert await reads.batch_count(workspace.bank) == 0


async def test_a_writers_import_shortcut_is_refused_before_slack_is_asked_for_the_file(workspace):
    fake = workspace.fake
    shared = fake.share_file("tone.jsonl", tone_batch(1))
    message = fake.file_message(shared, WRITER, "C0WRITERS")
    status, _ = await workspace.shortcut(
        WRITER, message, "import_batch", [fake.file_object(shared)]
    )
    assert status == 200
    card = await workspace.new_card(WRITER, 0)
    assert "Not allowed" in card.blocks[0]["text"]["text"]
    assert fake.called("files.info") == [] and fake.downloads == []
    assert await reads.batch_count(workspace.bank) == 0


CSV = b"id,excerpt\nc-1,A: One.\nc-2,A: Two &lt;3.\n"


async def test_a_csv_and_its_settings_import_through_the_command(workspace):
    fake = workspace.fake
    tasks = fake.share_file("tasks.csv", CSV)
    settings = fake.share_file("tasks.settings.json", json.dumps(header(name="csv-1")).encode())
    card = await reply_to(workspace, f"import {fake.link(tasks)} {fake.link(settings)}")
    assert card.blocks[0]["text"]["text"] == "✅ Imported batch 1: csv-1"
    assert sorted(fake.downloads) == sorted([tasks.id, settings.id])
    assert await reads.task_count(workspace.bank) == 2


async def test_a_csv_and_its_settings_import_through_the_shortcut(workspace):
    fake = workspace.fake
    tasks = fake.share_file("tasks.csv", CSV)
    settings = fake.share_file("batch.json", json.dumps({"batch": header(name="csv-2")}).encode())
    message = fake.file_message(tasks, COORDINATOR, "C0COORDS")
    files = [fake.file_object(tasks), fake.file_object(settings)]
    await workspace.shortcut(COORDINATOR, message, "import_batch", files)
    card = await workspace.new_card(COORDINATOR, 0)
    assert card.blocks[0]["text"]["text"] == "✅ Imported batch 1: csv-2"
    assert [b.name for b in await workspace.bank.list_batches()] == ["csv-2"]


async def test_a_csv_alone_is_refused_saying_how_to_attach_its_settings(workspace):
    fake = workspace.fake
    tasks = fake.share_file("tasks.csv", CSV)
    card = await reply_to(workspace, f"import {fake.link(tasks)}")
    shown = text_of(card)
    assert "tasks.csv: nothing was imported" in shown
    assert "attach them as a JSON file beside it, named tasks.settings.json" in shown
    assert fake.downloads == []  # nothing is fetched for a CSV that cannot import
    assert await reads.batch_count(workspace.bank) == 0


async def test_list_status_pause_resume_close(workspace):
    await workspace.bank.import_batch(tone_batch(2), filename="tone.jsonl")
    assert "1: tone-1" in text_of(await reply_to(workspace, "list"))
    assert "0 of 2 answers" in text_of(await reply_to(workspace, "status 1"))
    for verb, state in (("pause", "paused"), ("resume", "open"), ("close", "closed")):
        card = await reply_to(workspace, f"{verb} 1")
        assert card.blocks[0]["text"]["text"].endswith(f"is {state}")
    assert "expected /batch import" in text_of(await reply_to(workspace, "frobnicate"))


async def test_export_comes_back_as_a_file_in_the_coordinators_direct_messages(workspace):
    bank = workspace.bank
    await bank.import_batch(tone_batch(1), filename="tone.jsonl")
    claimed = await bank.claim(f"slack:{WRITER}")
    await bank.submit(claimed.assignment.id, f"slack:{WRITER}", TONE_ANSWER, "k")
    await workspace.command(COORDINATOR, "/batch", "export 1 jsonl", channel="C0COORDS")
    await workspace.wait_for(
        lambda: sum(bool(u.get("completed")) for u in workspace.fake.uploads) == 2, "the uploads"
    )
    upload, contributors = workspace.fake.uploads  # the rows, then who is credited
    assert contributors["filename"] == "tone-1.contributors.csv"
    assert upload["filename"] == "tone-1.jsonl"
    assert upload["channel"] == "D" + COORDINATOR[1:]
    assert upload["comment"] == "1 answer from batch 1"
    rows = [json.loads(line) for line in upload["content"].decode().splitlines()]
    assert rows[0]["answers"] == TONE_ANSWER


async def test_tally_posts_in_the_coordinators_channel_and_privately_elsewhere(
    workspace, fake_slack
):
    await workspace.command(COORDINATOR, "/tally", "week", channel="C0COORDS")
    await workspace.wait_for(lambda: workspace.channel("C0COORDS"), "the tally")
    (card,) = workspace.channel("C0COORDS")
    assert card.blocks[0]["text"]["text"].startswith("Tally, ")
    await workspace.command(COORDINATOR, "/tally", "week", channel="C0WRITERS")
    card = await workspace.new_card(COORDINATOR, 0)
    assert card.ephemeral and text_of(card).startswith("Tally, ")
    assert workspace.channel("C0WRITERS") == []  # nobody else in the channel sees anyone's pay


async def test_an_unexpected_failure_is_told_to_the_person_and_logged(workspace, caplog):
    # Given a Slack whose conversations.open answers a body Slack never sends (no channel)
    fake = workspace.fake

    async def no_channel(args):
        from aiohttp import web

        return web.json_response({"ok": True})

    fake.m_conversations_open = no_channel
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    # When the coordinator exports (the upload opens the DM channel first)
    card = await reply_to(workspace, "export 1 jsonl")
    # Then they are told, and the error is logged, instead of hearing nothing
    assert "did not expect" in text_of(card)
    assert "handling CommandEvent failed" in caplog.text
