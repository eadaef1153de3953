"""Issue 18 item 16: counted nouns, length hints, cuts at word ends, where roles are granted."""

from __future__ import annotations

from bot.text import counted, shorten_words
from bot.widgets.text import length_hint
from taskbank.questions import TextQuestion
from tests.batches import tone_batch
from tests.fake_chat import FakeChat
from tests.ux_helpers import COORDINATOR, OTHER, WRITER, command, make_bot


def test_one_is_singular_and_others_plural():
    assert [counted(n, "word") for n in (0, 1, 2, 1000)] == [
        "0 words",
        "1 word",
        "2 words",
        "1,000 words",
    ]


def test_length_hints_say_at_least_and_at_most_in_words():
    def hint(**bounds):
        return length_hint(TextQuestion(id="t", prompt="Write", **bounds))

    assert hint(min_words=5) == "at least 5 words"
    assert hint(max_words=1) == "at most 1 word"
    assert hint(min_words=5, max_words=80) == "5–80 words"
    assert hint(min_chars=1) == "at least 1 character"
    assert "∞" not in (hint(min_words=5) or "")


def test_a_cut_label_ends_at_a_word_not_mid_phrase():
    text = "He stops the show, tells the truth about why he's there, and the audience pays anyway."
    cut = shorten_words(text, 60)
    assert len(cut) <= 60 and cut.endswith("…")
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] in " ,"


async def test_importing_one_task_says_1_task(bank, tmp_path):
    from bot.events import Attachment

    chat = FakeChat()
    bot = make_bot(bank, chat)
    data = tone_batch(1, name="single")
    await bot.handle(
        command(COORDINATOR, "batch", "import", attachments=(Attachment("s.jsonl", data),))
    )
    assert any("1 task," in block for card in chat.cards() for block in card.blocks)


async def test_a_missing_role_names_the_configuration_key_not_a_person(bank):
    chat = FakeChat()
    await make_bot(bank, chat).handle(command(WRITER, "review"))
    text = chat.last().card.blocks[0]
    assert "'test:wendy'" in text and "[roles]" in text and "reviewers" in text
    assert "ask a coordinator to add you" not in text


async def test_a_used_up_budget_is_told_apart_from_tasks_taken_or_done(bank):
    capped = {"name": "Capped", "budget_cap_cents": 40}  # one $0.40 answer
    await bank.import_batch(tone_batch(3, project=capped, overlap=2), filename="c.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))  # holds the one answer the cap pays for
    await bot.handle(command(OTHER, "task"))
    card = chat.last("post").card
    assert card.title == "Nothing to claim: budget used up"
    assert "The budget of Capped is used up" in card.blocks[0]


async def test_tasks_taken_or_done_say_nothing_of_budgets(bank):
    await bank.import_batch(tone_batch(1, overlap=1), filename="t.jsonl")
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(WRITER, "task"))
    await bot.handle(command(OTHER, "task"))
    card = chat.last("post").card
    assert card.title == "Nothing to claim" and "budget" not in card.blocks[0]
