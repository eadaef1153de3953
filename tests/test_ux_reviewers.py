"""Issue 18 item 9: reviewers pass, go on to the next, see earlier verdicts, the guidelines and
the other writers' answers in reviewer-facing words; every verdict shows on the channel card."""

from __future__ import annotations

from bot.handlers.reviewer import post_for_review
from tests.batches import TONE_ANSWER, header, jsonl, tone_batch
from tests.fake_chat import FakeChat
from tests.test_console import run_script
from tests.ux_helpers import (
    OTHER,
    REVIEWER,
    REVIEWER_2,
    WRITER,
    command,
    control,
    make_bot,
    press,
    react,
    submit_form,
)


async def _two_answers(bank, batch: bytes | None = None, answers=(TONE_ANSWER, TONE_ANSWER)):
    """Wendy and Otto answer the same task; both are sampled for review."""
    await bank.import_batch(batch or tone_batch(1, overlap=2), filename="t.jsonl")
    submissions = []
    for writer, answer in zip((WRITER, OTHER), answers, strict=True):
        claimed = await bank.claim(writer.key)
        result = await bank.submit(claimed.assignment.id, writer.key, answer, writer.user_id)
        submissions.append(result.submission)
    await bank.sample_for_review(10, rate=1.0)
    return submissions


def _shown_submission(card) -> int:
    return int({f.label: f.value for f in card.fields}["Submission"])


async def test_a_pass_brings_the_next_and_never_brings_that_one_back(bank):
    await _two_answers(bank)
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(REVIEWER, "review"))
    first = chat.last("post").card
    await bot.handle(press(REVIEWER, control(first, "Pass").action_id, chat.last("post").message))
    second = chat.last("post").card
    assert _shown_submission(second) != _shown_submission(first)
    await bot.handle(command(REVIEWER, "review"))
    assert _shown_submission(chat.last("post").card) == _shown_submission(second)
    await bot.handle(command(REVIEWER_2, "review"))
    assert _shown_submission(chat.last("post").card) == _shown_submission(first)


async def test_after_a_verdict_next_review_brings_the_next_one(bank):
    await _two_answers(bank)
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await bot.handle(command(REVIEWER, "review"))
    first, message = chat.last("post").card, chat.last("post").message
    await bot.handle(press(REVIEWER, control(first, "Approve").action_id, message))
    verdict = chat.last("update").card
    await bot.handle(press(REVIEWER, control(verdict, "Next review").action_id, message))
    assert _shown_submission(chat.last("post").card) != _shown_submission(first)


async def test_a_reject_reaction_on_a_decided_submission_says_the_verdict_stands(bank):
    submission, _ = await _two_answers(bank)
    chat = FakeChat()
    bot = make_bot(bank, chat)
    await post_for_review(bot.ctx, submission)
    channel_card = chat.last("post").message
    await bot.handle(react(REVIEWER, channel_card, "✅"))
    await bot.handle(react(REVIEWER_2, channel_card, "❌"))
    told = chat.last("direct").card
    assert "an earlier verdict stands" in told.title and "Give a reason…" not in str(told)


async def test_a_rejection_and_a_review_command_verdict_update_the_channel_card(bank):
    first, second = await _two_answers(bank)
    chat = FakeChat()
    bot = make_bot(bank, chat)
    for submission in (first, second):
        await post_for_review(bot.ctx, submission)
    posts = [s for s in chat.sent if s.kind == "post"]
    # ❌, then the reason form from the direct message: the channel card shows the rejection.
    await bot.handle(react(REVIEWER, posts[0].message, "❌"))
    ask = chat.last("direct")
    await bot.handle(press(REVIEWER, control(ask.card, "Give a reason…").action_id, ask.message))
    form = chat.last("form").form
    await bot.handle(submit_form(REVIEWER, form.form_id, {"reason": "Too vague."}, ask.message))
    updated = {s.message: s.card for s in chat.sent if s.kind == "update"}
    assert updated[posts[0].message].title.startswith("Rejected")
    assert updated[posts[0].message].controls() == []
    # Approved from a private /review card: the channel card follows.
    await bot.handle(command(REVIEWER, "review"))
    private = chat.last("post")
    await bot.handle(press(REVIEWER, control(private.card, "Approve").action_id, private.message))
    updated = {s.message: s.card for s in chat.sent if s.kind == "update"}
    assert updated[posts[1].message].title.startswith("Approved")
    assert updated[posts[1].message].controls() == []


def _rewrite_batch() -> bytes:
    settings = header(template="rewrite_dialogue", overlap=2)
    return jsonl(settings, [{"id": "r1", "payload": {"line": "I am very tired today, friend."}}])


async def test_the_review_card_speaks_to_reviewers_and_shows_the_other_answers(bank):
    answers = ({"rewrite": "Dead on my feet, mate."}, {"rewrite": "I'm wiped, pal."})
    await _two_answers(bank, _rewrite_batch(), answers)
    chat = FakeChat()
    await make_bot(bank, chat).handle(command(REVIEWER, "review"))
    text = "\n".join(chat.last("post").card.blocks)
    assert "The writer's rewrite:" in text and "Your rewrite" not in text
    assert "Dead on my feet, mate." in text and "I'm wiped, pal." in text
    assert "Another writer's answers" in text


async def test_the_console_says_when_react_is_not_on_a_review_card(bank, tmp_path):
    await bank.import_batch(tone_batch(1), filename="t.jsonl")
    script = ["/as rita", "/task", "/react 1 no", "/quit"]
    transcript = await run_script(bank, tmp_path, script)
    assert "Message #1 is not a review card" in transcript
