"""Command arguments, control ids and attached files from a chat: refused in words, never a crash,
and no file fetched for someone who may not import."""

from __future__ import annotations

import json

import pytest

from bot.app import Taskbot
from bot.events import ActionEvent, Actor, Attachment, CommandEvent, FormSubmitEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from tests.batches import TONE_ANSWER, header, tone_batch
from tests.fake_chat import FakeChat

WRITER = Actor("test", "wendy")
COORDINATOR = Actor("test", "cora")
REVIEWER = Actor("test", "rita")
HERE = Place("general")
CSV = b"id,excerpt\nc-1,A: One.\nc-2,A: Two.\n"


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def taskbot(bank, chat) -> Taskbot:
    roles = Roles(writers=("*",), reviewers=("test:rita",), coordinators=("test:cora",))
    return Taskbot(BotContext(bank, chat, roles))


def command(actor, name, *args, attachments=()):
    return CommandEvent(actor, HERE, name, tuple(args), tuple(attachments))


def said(chat: FakeChat) -> str:
    card = chat.last().card
    return "\n".join([card.title, *card.blocks])


@pytest.mark.parametrize(
    "args",
    [
        ("status", "yesterday"),
        ("pause", "²"),
        ("close", "-3"),
        ("export", "99999999999999999999999999"),
        ("resume", "٣"),
    ],
)
async def test_a_word_where_a_batch_id_belongs_is_refused_in_words(taskbot, chat, args):
    await taskbot.handle(command(COORDINATOR, "batch", *args))
    assert "is not a batch id; expected a number such as 12" in said(chat)


async def test_a_long_bad_argument_is_quoted_by_a_short_prefix(taskbot, chat):
    await taskbot.handle(command(COORDINATOR, "batch", "status", "x" * 100_000))
    assert len(said(chat)) < 300


async def test_task_with_a_digit_lookalike_asks_for_that_template_not_a_crash(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await taskbot.handle(command(WRITER, "task", "²"))
    assert "Nothing to claim" in said(chat)


@pytest.mark.parametrize(
    "action_id",
    ["submit", "submit:", "submit:abc", "ans:1", "ans:x:tone:1", "terms:", "terms:²:x", "skip:1e5"],
)
async def test_control_ids_of_the_wrong_shape_are_refused(taskbot, chat, bank, action_id):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await taskbot.handle(command(WRITER, "task"))
    await taskbot.handle(ActionEvent(WRITER, HERE, action_id, ()))
    assert "is not a control this bot made" in said(chat)


async def test_a_rating_that_is_not_a_number_is_refused_and_nothing_is_kept(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    await taskbot.handle(command(WRITER, "task"))
    assignment = (await bank.active_assignments(WRITER.key))[0]
    await taskbot.handle(ActionEvent(WRITER, HERE, f"ans:{assignment.id}:pacing", ("--3",)))
    assert "is not a point on the scale" in said(chat)
    assert await bank.draft(assignment.id) == {}


@pytest.mark.parametrize("form_id", ["answer", "answer:", "answer:x", "reject:", "reject:two"])
async def test_form_ids_of_the_wrong_shape_are_refused(taskbot, chat, form_id):
    actor = REVIEWER if form_id.startswith("reject") else WRITER
    await taskbot.handle(FormSubmitEvent(actor, HERE, form_id, {"reason": "x"}))
    assert "is not a control this bot made" in said(chat)


async def test_a_writers_import_is_refused_before_any_file_is_fetched(taskbot, chat, bank):
    fetched = []

    async def fetch(limit: int) -> bytes:
        fetched.append(limit)
        return tone_batch(1)

    files = [Attachment("b.jsonl", size=40 * 1024 * 1024, fetch=fetch)]
    await taskbot.handle(command(WRITER, "batch", "import", attachments=files))
    assert "is for coordinators" in said(chat)
    assert fetched == [] and await bank.list_batches() == []


async def test_a_file_over_the_limit_is_refused_by_its_size_before_fetching(taskbot, chat, bank):
    fetched = []

    async def fetch(limit: int) -> bytes:
        fetched.append(limit)
        return b""

    files = [Attachment("big.jsonl", size=10**12, fetch=fetch)]
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=files))
    assert "big.jsonl: nothing was imported" in said(chat)
    assert "at most" in said(chat) and fetched == []


async def test_a_coordinators_file_is_fetched_with_the_limit_and_imported(taskbot, chat, bank):
    limits = []

    async def fetch(limit: int) -> bytes:
        limits.append(limit)
        return tone_batch(2)

    files = [Attachment("b.jsonl", size=100, fetch=fetch)]
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=files))
    assert "Imported batch" in said(chat)
    assert limits == [bank.defaults.max_import_bytes]


async def test_a_csv_takes_its_settings_from_the_json_attached_beside_it(taskbot, chat, bank):
    settings = json.dumps(header(name="csv-1")).encode()
    files = [Attachment("tasks.csv", CSV), Attachment("tasks.settings.json", settings)]
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=files))
    assert "Imported batch" in said(chat)
    (batch,) = await bank.list_batches()
    assert batch.name == "csv-1" and (await bank.batch_progress(batch.id)).tasks == 2
    claimed = await bank.claim("test:wendy")
    assert (await bank.submit(claimed.assignment.id, "test:wendy", TONE_ANSWER, "k")).submission


async def test_the_settings_may_be_the_header_form_of_a_jsonl_file(taskbot, chat, bank):
    settings = json.dumps({"batch": header(name="csv-2")}).encode()
    files = [Attachment("tasks.csv", CSV), Attachment("anything.json", settings)]
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=files))
    assert [b.name for b in await bank.list_batches()] == ["csv-2"]


async def test_a_csv_without_settings_says_how_to_give_them(taskbot, chat, bank):
    await taskbot.handle(
        command(COORDINATOR, "batch", "import", attachments=[Attachment("tasks.csv", CSV)])
    )
    assert "attach them as a JSON file beside it, named tasks.settings.json" in said(chat)
    assert await bank.list_batches() == []


@pytest.mark.parametrize(
    "settings",
    [b"\xff\xfe not utf-8", b"[" * 10_000 + b"]" * 10_000, b'{"project": ', b"[1, 2]"],
)
async def test_a_broken_settings_file_is_refused_naming_it(taskbot, chat, bank, settings):
    files = [Attachment("tasks.csv", CSV), Attachment("tasks.settings.json", settings)]
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=files))
    assert "tasks.settings.json" in said(chat) and "nothing was imported" in said(chat)
    assert await bank.list_batches() == []


async def test_settings_that_do_not_validate_are_refused_with_the_field(taskbot, chat, bank):
    settings = json.dumps(header(pay_cents="forty")).encode()
    files = [Attachment("tasks.csv", CSV), Attachment("tasks.settings.json", settings)]
    await taskbot.handle(command(COORDINATOR, "batch", "import", attachments=files))
    assert "pay_cents" in said(chat)
    assert await bank.list_batches() == []


async def test_a_chat_export_of_a_batch_named_like_a_path_gets_a_plain_file_name(
    taskbot, chat, bank
):
    batch = await bank.import_batch(tone_batch(1, name="../../etc/passwd"), filename="b.jsonl")
    await taskbot.handle(command(COORDINATOR, "batch", "export", str(batch.id), "csv"))
    name = chat.last("upload").upload.filename
    assert "/" not in name and ".." not in name and name.endswith(".csv")
