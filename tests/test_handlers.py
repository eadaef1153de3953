"""Handlers against a recording fake of the chat port and the real SQLite store."""

from __future__ import annotations

import pytest

from bot.app import Taskbot
from bot.events import (
    ActionEvent,
    Actor,
    Attachment,
    CommandEvent,
    FormSubmitEvent,
    Place,
    ReactionEvent,
)
from bot.handlers.context import BotContext
from bot.handlers.reviewer import post_for_review
from bot.roles import Roles
from bot.ui import Button, FormErrors, Select
from taskbank.models import Verdict
from tests.batches import header, jsonl, tone_batch
from tests.fake_chat import FakeChat

WRITER = Actor("test", "wendy")
OTHER = Actor("test", "otto")
REVIEWER = Actor("test", "rita")
COORDINATOR = Actor("test", "cora")
HERE = Place("general")


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def taskbot(bank, chat) -> Taskbot:
    roles = Roles(writers=("*",), reviewers=("test:rita",), coordinators=("test:cora",))
    return Taskbot(BotContext(bank, chat, roles, time_zone="Europe/Paris"))


def command(actor, name, *args, attachments=()):
    return CommandEvent(actor, HERE, name, tuple(args), tuple(attachments))


def press(actor, action_id, message, *values):
    return ActionEvent(actor, HERE, action_id, tuple(values), message)


def control(card, label=None, prefix=None):
    for c in card.controls():
        if (label and getattr(c, "label", None) == label) or (
            prefix and c.action_id.startswith(prefix)
        ):
            return c
    raise AssertionError(f"no control {label or prefix} on {card.title}")


async def claim_card(taskbot, chat, actor=WRITER):
    await taskbot.handle(command(actor, "task"))
    sent = chat.last("post")
    return sent.card, sent.message


async def test_task_shows_a_private_card_with_pay_deadline_and_controls(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    card, _ = await claim_card(taskbot, chat)
    sent = chat.last("post")
    assert sent.visibility == "private" and sent.to == "test:wendy"
    assert card.title == "Tone, genre and pacing of a dialogue"
    assert any("Line 1" in block for block in card.blocks)
    fields = {f.label: f.value for f in card.fields}
    assert fields["Pay"] == "$0.40" and "CET" in fields["Lease until"]
    kinds = [type(c).__name__ for c in card.controls()]
    assert kinds.count("Select") == 2  # 8 tones and the genres don't fit as buttons
    assert [c.label for c in card.controls() if isinstance(c, Button)][:5] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]


async def test_answering_on_the_card_then_submitting_saves_and_offers_the_next(taskbot, chat, bank):
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    card, message = await claim_card(taskbot, chat)
    tone = control(card, prefix="ans:1:tone")
    assert isinstance(tone, Select)
    await taskbot.handle(press(WRITER, tone.action_id, message, "0"))
    await taskbot.handle(press(WRITER, control(card, prefix="ans:1:genre").action_id, message, "7"))
    await taskbot.handle(press(WRITER, control(card, label="4").action_id, message))
    updated = chat.last("update").card
    assert any(row.caption and row.caption.startswith("Pacing: 4") for row in updated.rows)
    await taskbot.handle(press(WRITER, "submit:1", message))
    outcome = chat.last("update").card
    assert outcome.title == "Saved — pending review, $0.40"
    assert "Dominant tone: tense" in outcome.blocks[0]
    await taskbot.handle(press(WRITER, "next", message))
    assert "Line 2" in "".join(chat.last("update").card.blocks)


async def test_submitting_an_incomplete_card_shows_the_errors_beside_the_questions(
    taskbot, chat, bank
):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    _, message = await claim_card(taskbot, chat)
    await taskbot.handle(press(WRITER, "submit:1", message))
    card = chat.last("update").card
    assert card.tone == "warning"
    assert any(row.caption and "an answer is required" in row.caption for row in card.rows)
    assert await bank.store.submission_for_assignment(1) is None


async def test_a_half_done_answer_survives_coming_back_later(taskbot, chat, bank):
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    _, message = await claim_card(taskbot, chat)
    await taskbot.handle(press(WRITER, "ans:1:pacing:2", message))
    card, _ = await claim_card(taskbot, chat)  # /task again shows the same task, draft kept
    assert any(row.caption and row.caption.startswith("Pacing: 2") for row in card.rows)


async def test_a_rewrite_too_close_comes_back_with_the_error_and_the_text_kept(taskbot, chat, bank):
    data = jsonl(
        header(template="rewrite_dialogue", name="rw"),
        [{"id": "r1", "payload": {"line": "I am very tired today."}}],
    )
    await bank.import_batch(data, filename="rw.jsonl")
    card, message = await claim_card(taskbot, chat)
    await taskbot.handle(press(WRITER, control(card, prefix="form:").action_id, message))
    form = chat.last("form").form
    assert form.inputs[0].hint.startswith("Original: I am very tired today.")
    result = await taskbot.handle(
        FormSubmitEvent(WRITER, HERE, form.form_id, {"rewrite": "I am very tired today!"}, message)
    )
    assert isinstance(result, FormErrors) and "only case, punctuation" in result.errors["rewrite"]
    assert (await bank.draft(1)) == {"rewrite": "I am very tired today!"}
    await taskbot.handle(press(WRITER, control(card, prefix="form:").action_id, message))
    assert chat.last("form").form.inputs[0].value == "I am very tired today!"
    fixed = await taskbot.handle(
        FormSubmitEvent(WRITER, HERE, form.form_id, {"rewrite": "I'm wiped out."}, message)
    )
    assert fixed is None
    assert chat.last("update").card.title.startswith("Saved")


async def test_a_ranking_is_answered_in_the_form_place_by_place(taskbot, chat, bank):
    data = jsonl(
        header(template="rank_endings", name="e"),
        [{"id": "e1", "payload": {"excerpt": "x", "endings": ["Up", "Down", "Sideways"]}}],
    )
    await bank.import_batch(data, filename="e.jsonl")
    _, message = await claim_card(taskbot, chat)
    await taskbot.handle(press(WRITER, "form:1", message))
    form = chat.last("form").form
    assert [i.input_id for i in form.inputs] == ["ranking.1", "ranking.2", "ranking.3", "reason"]
    repeated = {
        "ranking.1": "1",
        "ranking.2": "1",
        "ranking.3": "0",
        "reason": "the fall is the point",
    }
    errors = await taskbot.handle(FormSubmitEvent(WRITER, HERE, form.form_id, repeated, message))
    assert "ranked more than once" in errors.errors["ranking.1"]
    good = {**repeated, "ranking.2": "2"}
    assert await taskbot.handle(FormSubmitEvent(WRITER, HERE, form.form_id, good, message)) is None
    submission = await bank.store.submission_for_assignment(1)
    assert submission.answers["ranking"] == ["Down", "Sideways", "Up"]


async def test_terms_come_first_and_accepting_them_shows_the_task(taskbot, chat, bank):
    await bank.import_batch(
        tone_batch(1, project={"name": "Contract", "terms": "Be kind."}), filename="b.jsonl"
    )
    card, message = await claim_card(taskbot, chat)
    assert card.title == "Terms of Contract" and "Be kind." in card.blocks
    await taskbot.handle(press(WRITER, control(card, label="I accept").action_id, message))
    assert chat.last("update").card.title.startswith("Tone")


async def test_accepting_terms_keeps_the_batch_task_asked_for(taskbot, chat, bank):
    terms = {"name": "Contract", "terms": "Be kind."}
    await bank.import_batch(tone_batch(2, project=terms), filename="a.jsonl")
    await bank.import_batch(tone_batch(2, project=terms, name="second"), filename="b.jsonl")
    await taskbot.handle(command(WRITER, "task", "2"))
    card, message = chat.last("post").card, chat.last("post").message
    await taskbot.handle(press(WRITER, control(card, label="I accept").action_id, message))
    assert chat.last("update").card.title.startswith("Tone")
    assert (await bank.claimed(1)).batch.id == 2  # the batch /task asked for, not the first


async def test_skip_and_release_end_the_card(taskbot, chat, bank):
    await bank.import_batch(tone_batch(2), filename="b.jsonl")
    _, message = await claim_card(taskbot, chat)
    await taskbot.handle(press(WRITER, "skip:1", message))
    assert chat.last("update").card.title == "Skipped: t-0001"
    _, message = await claim_card(taskbot, chat)
    await taskbot.handle(press(WRITER, "release:2", message))
    assert chat.last("update").card.title == "Released: t-0002"


async def test_another_writers_card_cannot_be_used(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    _, message = await claim_card(taskbot, chat)
    await taskbot.handle(press(OTHER, "submit:1", message))
    assert "another writer" in chat.last().card.blocks[0]


async def test_nothing_to_claim_says_why(taskbot, chat):
    card, _ = await claim_card(taskbot, chat)
    assert card.title == "Nothing to claim" and "No batch is open" in card.blocks[0]


async def submitted_one(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1, review_rate=1.0), filename="b.jsonl")
    _, message = await claim_card(taskbot, chat)
    await bank.save_draft(1, WRITER.key, {"tone": "tense", "genre": ["noir"], "pacing": 3})
    await taskbot.handle(press(WRITER, "submit:1", message))


async def test_review_pulls_a_sample_and_approval_pays(taskbot, chat, bank):
    await submitted_one(taskbot, chat, bank)
    await taskbot.handle(command(REVIEWER, "review"))
    sent = chat.last("post")
    assert sent.card.title.startswith("Review:") and sent.to == "test:rita"
    await taskbot.handle(press(REVIEWER, "approve:1", sent.message))
    assert chat.last("update").card.title == "Approved: submission 1"
    assert sum(e.amount_cents for e in await bank.store.ledger_entries(WRITER.key)) == 40


async def test_reject_asks_for_a_reason_and_refuses_a_blank_one(taskbot, chat, bank):
    await submitted_one(taskbot, chat, bank)
    await taskbot.handle(command(REVIEWER, "review"))
    message = chat.last("post").message
    await taskbot.handle(press(REVIEWER, "reject:1", message))
    form = chat.last("form").form
    blank = await taskbot.handle(
        FormSubmitEvent(REVIEWER, HERE, form.form_id, {"reason": " "}, message)
    )
    assert "reason" in blank.errors
    await taskbot.handle(
        FormSubmitEvent(REVIEWER, HERE, form.form_id, {"reason": "genre is off"}, message)
    )
    assert chat.last("update").card.title == "Rejected: submission 1"


async def test_writers_cannot_review_and_reviewers_never_judge_their_own_work(taskbot, chat, bank):
    await submitted_one(taskbot, chat, bank)
    await taskbot.handle(command(OTHER, "review"))
    assert chat.last().card.title == "Not allowed" and "for reviewers" in chat.last().card.blocks[0]
    await taskbot.handle(command(REVIEWER, "review"))
    assert (await bank.next_review("test:wendy")) is None


async def test_reactions_on_the_review_channel_become_verdicts(taskbot, chat, bank):
    await submitted_one(taskbot, chat, bank)
    submission = await bank.store.get_submission(1)
    await post_for_review(taskbot.ctx, submission)
    posted = next(s for s in chat.sent if s.kind == "post" and s.place.channel_id == "reviews")
    assert [s.emoji for s in chat.sent if s.kind == "reaction"] == ["✅", "❌"]
    await taskbot.handle(ReactionEvent(OTHER, posted.message, "✅"))
    assert chat.last().kind == "direct" and chat.last().to == "test:otto"
    await taskbot.handle(ReactionEvent(REVIEWER, posted.message, "❌"))
    assert chat.last().kind == "direct" and control(chat.last().card, prefix="reject:1")
    await taskbot.handle(ReactionEvent(REVIEWER, posted.message, "✅"))
    assert chat.last("update").card.title == "Approved: submission 1"


async def test_a_coordinator_imports_a_bad_then_a_good_batch(taskbot, chat, bank):
    bad = Attachment("bad.jsonl", jsonl(header(), [{"id": "x", "payload": {}}]))
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=[bad]))
    card = chat.last().card
    assert (
        card.title == "bad.jsonl: nothing was imported"
        and "bad.jsonl:2: payload.excerpt" in card.blocks[0]
    )
    assert await bank.list_batches() == []
    good = Attachment("good.jsonl", tone_batch(3))
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=[good]))
    assert chat.last().card.title == "Imported batch 1: tone-1"


async def test_batch_status_pause_resume_close_and_export(taskbot, chat, bank):
    await submitted_one(taskbot, chat, bank)
    await taskbot.handle(command(COORDINATOR, "batch", "status", "1"))
    fields = {f.label: f.value for f in chat.last().card.fields}
    assert fields["Progress"] == "1 of 1 answers (100%)" and fields["Pending review"] == "1"
    for verb, state in (("pause", "paused"), ("resume", "open"), ("close", "closed")):
        await taskbot.handle(command(COORDINATOR, "batch", verb, "1"))
        assert chat.last().card.title.endswith(f"is {state}")
    await taskbot.handle(command(COORDINATOR, "batch", "export", "1", "csv"))
    upload, contributors = [s.upload for s in chat.sent if s.kind == "upload"]
    assert upload.filename == "tone-1.csv" and b"task_external_id" in upload.content
    assert contributors.filename == "tone-1.contributors.csv"


async def test_batch_usage_errors_and_unknown_commands_are_explained(taskbot, chat):
    await taskbot.handle(command(COORDINATOR, "batch", "status"))
    assert "Give the batch id" in chat.last().card.blocks[0]
    await taskbot.handle(command(COORDINATOR, "batch", "frobnicate"))
    assert "Unknown /batch action 'frobnicate'" in chat.last().card.blocks[0]
    await taskbot.handle(command(WRITER, "batch", "list"))
    assert chat.last().card.title == "Not allowed"
    await taskbot.handle(command(WRITER, "dance"))
    assert "Unknown command /dance" in chat.last().card.blocks[0]


async def test_earnings_and_tally(taskbot, chat, bank):
    await submitted_one(taskbot, chat, bank)
    await bank.record_review(1, REVIEWER.key, Verdict.APPROVED)
    await taskbot.handle(command(WRITER, "earnings"))
    mine = chat.last()
    assert mine.visibility == "private" and "paid $0.40" in mine.card.blocks[0]
    before = len(chat.sent)
    await taskbot.handle(command(COORDINATOR, "tally", "month"))
    posted = chat.sent[before:]
    # typed outside the coordinators' channel: everyone's pay comes to the coordinator privately
    summary = next(s for s in posted if s.kind == "post")
    assert summary.card.title.startswith("Tally, November 2026")
    assert summary.visibility == "private"
    # like the scheduled tally, each writer gets their own line privately
    (private,) = [s for s in posted if s.kind == "direct"]
    assert (
        private.card.title == "Your pay, November 2026" and "paid $0.40" in private.card.blocks[0]
    )
    before = len(chat.sent)
    await taskbot.handle(CommandEvent(COORDINATOR, Place("coordinators"), "tally", ("month",), ()))
    posted = chat.sent[before:]
    summary = next(s for s in posted if s.kind == "post")
    assert summary.visibility == "public" and summary.place == Place("coordinators")
    # in the coordinators' channel, the chart beside it
    assert any(s.kind == "upload" and s.upload.filename.endswith(".png") for s in posted)


async def test_an_answer_form_sent_twice_saves_once_and_shows_the_saved_card_again(
    taskbot, chat, bank
):
    data = jsonl(
        header(template="rank_endings", name="e"),
        [{"id": "e1", "payload": {"excerpt": "x", "endings": ["Up", "Down"]}}],
    )
    await bank.import_batch(data, filename="e.jsonl")
    _, message = await claim_card(taskbot, chat)
    values = {"ranking.1": "0", "ranking.2": "1", "reason": "the rise is the whole point"}
    for _ in range(2):
        assert (
            await taskbot.handle(FormSubmitEvent(WRITER, HERE, "answer:1", values, message)) is None
        )
    update = chat.last("update")
    assert update.message == message
    assert update.card.title.endswith("(already saved earlier)")
    assert (await bank.store.submission_for_assignment(1)).answers["ranking"] == ["Up", "Down"]
