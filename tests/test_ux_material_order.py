"""Issue 18 item 11: a task's material reads in the template's order, then the file's."""

from __future__ import annotations

from taskbank.sample_bank import import_sample_bank
from tests.batches import header, jsonl
from tests.fake_chat import FakeChat
from tests.ux_helpers import WRITER, command, make_bot


def _titles(card) -> list[str]:
    return [block.split(":", 1)[0] for block in card.blocks[1:]]


async def test_endings_follow_the_setup_they_end(bank):
    await import_sample_bank(bank)
    chat = FakeChat()
    bot = make_bot(bank, chat)
    batch = next(b for b in await bank.list_batches() if b.template == "rank_endings")
    await bank.accept_terms(batch.project_id, WRITER.key)
    await bot.handle(command(WRITER, "task", str(batch.id)))
    assert _titles(chat.last("post").card) == ["Excerpt", "Endings"]


async def test_a_custom_batch_shows_its_fields_in_the_files_order(bank):
    questions = [{"id": "note", "kind": "text", "prompt": "Your note", "max_chars": 200}]
    fields = {"zeta": "text", "alpha": "text", "middle": "text"}
    settings = header(template="custom", payload_fields=fields, questions=questions)
    payload = {"zeta": "first", "alpha": "second", "middle": "third"}
    await bank.import_batch(jsonl(settings, [{"id": "c1", "payload": payload}]), filename="c.jsonl")
    chat = FakeChat()
    await make_bot(bank, chat).handle(command(WRITER, "task"))
    assert _titles(chat.last("post").card) == ["Zeta", "Alpha", "Middle"]
