"""Issue 18 item 13: Skip and Release say what they mean and ask before giving a task up."""

from __future__ import annotations

from tests.batches import tone_batch
from tests.fake_chat import FakeChat
from tests.test_console import run_script
from tests.ux_helpers import WRITER, command, control, make_bot, press

SUBMIT, SKIP, RELEASE = 4, 5, 6  # the tone card: 2 selects, the pacing scale, then these


async def test_a_mistyped_skip_in_the_console_asks_first_and_can_go_back(bank, tmp_path):
    await bank.import_batch(tone_batch(2), filename="tone.jsonl")
    script = ["/task", str(SKIP), "2", str(RELEASE), "1", "/quit"]
    transcript = await run_script(bank, tmp_path, script)

    assert "Skip this task?" in transcript and "Back to the task" in transcript
    assert "Release this task?" in transcript
    assert "Released: t-0001" in transcript and "Skipped" not in transcript
    assert (await bank.claimed(1)).assignment.state == "released"


async def test_the_task_card_explains_the_two_and_a_stale_confirmation_is_refused(bank):
    await bank.import_batch(tone_batch(2), filename="tone.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    card, message = chat.last("post").card, chat.last("post").message
    assert "Skip: the task is not for you" in (card.footer or "")
    await bot.handle(press(WRITER, control(card, "Skip…").action_id, message))
    asked = chat.last("update").card
    assert (await bank.active_assignments(WRITER.key))[0].state == "active"
    await bot.handle(press(WRITER, control(asked, "Yes, skip it").action_id, message))
    assert chat.last("update").card.title.startswith("Skipped")
    await bot.handle(press(WRITER, control(card, "Release…").action_id, message))
    assert "already skipped" in chat.last("update").card.blocks[0]
