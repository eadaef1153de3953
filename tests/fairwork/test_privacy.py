"""Privacy: everyone's pay only in the coordinators' channel; reviewers judge the work, not the
person (the author is hidden unless the project says otherwise)."""

from __future__ import annotations

from bot.app import Taskbot
from bot.events import Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from taskbank.fairpay import FairWorkPolicy
from tests.batches import tone_batch
from tests.fairwork.conftest import CORA, RITA, command
from tests.fairwork.ledger import forty_seven_minute_writer, hold


async def test_a_tally_typed_in_a_public_channel_goes_to_the_coordinator_privately(
    taskbot, chat, bank
):
    await forty_seven_minute_writer(bank)
    await taskbot.handle(command(CORA, "tally"))
    sent = chat.last("post")
    assert sent.visibility == "private" and sent.to == "test:cora"
    await taskbot.handle(command(CORA, "tally", place=Place("coordinators")))
    sent = chat.last("post")
    assert sent.visibility == "public" and sent.place == Place("coordinators")


async def test_review_cards_hide_the_author_by_default(taskbot, chat, bank):
    await bank.import_batch(tone_batch(1, review_rate=1.0), filename="b.jsonl")
    await hold(bank, 3, "submit")
    await taskbot.handle(command(RITA, "review"))
    card = chat.last("post").card
    assert card.title.startswith("Review:")
    assert "Writer" not in [f.label for f in card.fields]
    assert "wendy" not in "\n".join([*card.blocks, *(f.value for f in card.fields)])


async def test_a_project_may_show_authors_to_its_reviewers(chat, bank):
    roles = Roles(writers=("*",), reviewers=("test:rita",))
    policy = FairWorkPolicy(authors_shown_to_reviewers=("Open names",))
    taskbot = Taskbot(BotContext(bank, chat, roles, fair_work=policy))
    batch = tone_batch(1, review_rate=1.0, project="Open names")
    await bank.import_batch(batch, filename="b.jsonl")
    await hold(bank, 3, "submit")
    await taskbot.handle(command(RITA, "review"))
    fields = {f.label: f.value for f in chat.last("post").card.fields}
    assert fields["Writer"] == "test:wendy"
