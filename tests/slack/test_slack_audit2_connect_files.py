"""A file shared in a Slack Connect channel: the message shortcut's payload carries the file only
as `{"id", "mode": "file_access", "file_access": "check_file_info"}` (no name, no size), and
Slack asks the app to call files.info for the rest (docs.slack.dev/reference/events/message/
file_share, "Slack Connect files")."""

from __future__ import annotations

from tests import bank_reads as reads
from tests.batches import tone_batch
from tests.slack.conftest import COORDINATOR, WRITER
from tests.slack_driver import text_of


def connect_file(file_id: str) -> dict:
    """A file object as Slack sends it in a Slack Connect channel."""
    return {
        "id": file_id,
        "mode": "file_access",
        "file_access": "check_file_info",
        "created": 0,
        "timestamp": 0,
        "user": "",
    }


async def test_the_import_shortcut_on_a_slack_connect_file_imports_it(workspace):
    shared = workspace.fake.share_file("tone.jsonl", tone_batch(2))
    message = workspace.fake.file_message(shared, COORDINATOR, "C0COORDS")
    status, _ = await workspace.shortcut(
        COORDINATOR, message, "import_batch", [connect_file(shared.id)]
    )
    assert status == 200
    card = await workspace.new_card(COORDINATOR, 0)
    # Before the fix: the file id stood in for its name, and the import was refused.
    assert "Imported batch 1" in card.blocks[0]["text"]["text"], text_of(card)
    assert await reads.batch_count(workspace.bank) == 1


async def test_a_writers_shortcut_on_a_slack_connect_file_asks_slack_nothing(workspace):
    fake = workspace.fake
    shared = fake.share_file("tone.jsonl", tone_batch(1))
    message = fake.file_message(shared, WRITER, "C0WRITERS")
    await workspace.shortcut(WRITER, message, "import_batch", [connect_file(shared.id)])
    card = await workspace.new_card(WRITER, 0)
    assert "Not allowed" in card.blocks[0]["text"]["text"]
    assert fake.called("files.info") == [] and fake.downloads == []


async def test_the_import_shortcut_on_a_deleted_file_says_it_was_deleted(workspace):
    fake = workspace.fake
    shared = fake.share_file("tone.jsonl", tone_batch(1))
    message = fake.file_message(shared, COORDINATOR, "C0COORDS")
    fake.fail_next("files.info", "file_deleted")
    tombstone = {"id": shared.id, "mode": "tombstone"}  # what a message keeps of a deleted file
    await workspace.shortcut(COORDINATOR, message, "import_batch", [tombstone])
    shown = text_of(await workspace.new_card(COORDINATOR, 0))
    assert "deleted from Slack" in shown and "share the file again" in shown, shown
    assert "channel the app is in" not in shown, shown
    assert await reads.batch_count(workspace.bank) == 0
