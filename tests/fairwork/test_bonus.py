"""Bonuses on both stores: a coordinator's /bonus is one new ledger entry and a private message."""

from __future__ import annotations

import pytest

from bot.arguments import named_writer
from taskbank.bonuses import parse_amount
from taskbank.errors import ValidationFailed
from taskbank.models import LedgerKind
from tests.fairwork.conftest import CORA, WENDY, command
from tests.fairwork.ledger import WRITER, has_worked, ledger_sum, week_of


async def test_a_bonus_is_one_new_ledger_entry_and_a_private_message(taskbot, chat, bank):
    await has_worked(bank)
    before = await ledger_sum(bank)
    await taskbot.handle(command(CORA, "bonus", "<@wendy>", "$2.50", "careful", "notes"))
    count, total, rows = await ledger_sum(bank)
    assert (count, total, rows[: before[0]]) == (before[0] + 1, before[1] + 250, before[2])
    [entry] = await bank.store.ledger_entries(WRITER)
    assert entry.kind == LedgerKind.BONUS and entry.note == "careful notes (granted by test:cora)"
    told = chat.last("direct")
    assert told.to == WRITER and told.card.title == "A bonus of $2.50"
    assert told.card.blocks == ("For: careful notes",)
    assert chat.last("post").card.title == "Bonus of $2.50 paid to test:wendy"


async def test_a_bonus_counts_in_the_all_in_rate_of_its_period(taskbot, chat, bank):
    await has_worked(bank)
    await taskbot.handle(command(CORA, "bonus", "test:wendy", "1", "welcome"))
    [rate] = await bank.hourly_rates(week_of(bank), WRITER)
    # $1.00 over the one minute she held (and skipped) a task: $60.00 an hour, all in
    assert rate.extra_cents == 100 and rate.all_in_hourly_cents == 6000


@pytest.mark.parametrize(
    "args",
    [
        ("wendy", "abc", "why"),
        ("wendy", "0", "why"),
        ("wendy", "1000.01", "why"),
        ("wendy", "2.505", "why"),
        ("wendy", "2"),
        ("<#C123>", "2", "why"),
    ],
)
async def test_bad_bonuses_are_refused_and_change_nothing(taskbot, chat, bank, args):
    await has_worked(bank)
    await taskbot.handle(command(CORA, "bonus", *args))
    assert chat.last("post").card.title == "That didn't work"
    assert await ledger_sum(bank) == (0, 0, [])


async def test_a_bonus_to_someone_with_no_work_on_record_is_refused(taskbot, chat, bank):
    # '/bonus @ana …' from a chat that sent the bare name: slack:ana has never claimed a task.
    await taskbot.handle(command(CORA, "bonus", "@ana", "2.50", "careful", "notes"))
    refusal = chat.last("post").card
    assert refusal.title == "That didn't work"
    assert "test:ana has no work on record" in " ".join(refusal.blocks)
    assert await ledger_sum(bank) == (0, 0, [])
    assert not [sent for sent in chat.sent if sent.kind == "direct"]


async def test_a_bonus_whose_note_fails_is_paid_once_and_says_so(taskbot, chat, bank):
    await has_worked(bank)
    chat.fail_next("direct", RuntimeError("channel_not_found"))
    await taskbot.handle(command(CORA, "bonus", "test:wendy", "2", "welcome"))
    assert (await ledger_sum(bank))[:2] == (1, 200)
    confirmed = chat.last("post").card
    assert confirmed.title == "Bonus of $2.00 paid to test:wendy"
    assert "could not be told privately (channel_not_found)" in confirmed.blocks[0]


async def test_only_coordinators_grant_bonuses_and_never_to_themselves(taskbot, chat, bank):
    await has_worked(bank)
    await has_worked(bank, "test:cora")
    await taskbot.handle(command(WENDY, "bonus", "test:wendy", "5", "me"))
    assert chat.last("post").card.title == "Not allowed"
    await taskbot.handle(command(CORA, "bonus", "test:cora", "5", "me"))
    assert chat.last("post").card.title == "Not allowed"
    assert await ledger_sum(bank) == (0, 0, [])


def test_amounts_and_writers_parse_as_people_type_them():
    assert [parse_amount(t) for t in ("2", "2.5", "$2.50", "0.05", "1000")] == [
        200,
        250,
        250,
        5,
        100_000,
    ]
    with pytest.raises(ValidationFailed):
        parse_amount("-1")
    assert named_writer("<@U0ANA|ana>", "slack", "usage") == "slack:U0ANA"
    assert named_writer("<@!1234>", "discord", "usage") == "discord:1234"
    assert named_writer("@ana", "console", "usage") == "console:ana"
    assert named_writer("slack:U0ANA", "discord", "usage") == "slack:U0ANA"


async def test_a_batch_rule_pays_writers_whose_gold_accuracy_reaches_the_share_once(
    taskbot, chat, bank
):
    from tests.batches import header, jsonl, tone_task
    from tests.fairwork.ledger import hold

    golds = ["tense", "tense", "tense", "warm"]  # TONE_ANSWER says tense: 3 of 4 right
    tasks = [tone_task(i + 1, gold={"tone": tone}) for i, tone in enumerate(golds)]
    await bank.import_batch(jsonl(header(overlap=2), tasks), filename="g.jsonl")
    for writer in (WRITER, "test:otto"):
        for _ in range(4 if writer == WRITER else 2):  # otto answers too few golds to count
            await hold(bank, 2, "submit", writer=writer)
    before = await ledger_sum(bank)
    for _ in range(2):  # sent twice: paid once
        await taskbot.handle(command(CORA, "bonus", "batch", "1", "gold", "75%", "1.50", "sharp"))
    count, total, rows = await ledger_sum(bank)
    assert (count, total, rows[: before[0]]) == (before[0] + 1, before[1] + 150, before[2])
    told = [s for s in chat.sent if s.kind == "direct"]
    assert [s.to for s in told] == [WRITER]
    assert "3 of 4 gold answers right in batch 1" in told[0].card.blocks[0]
    assert chat.last("post").card.title == "Batch 1 rule: $1.50 paid to 0 writers"
    await taskbot.handle(command(CORA, "bonus", "batch", "1", "gold", "80", "1.50", "sharper"))
    assert chat.last("post").card.title == "Batch 1 rule: $1.50 paid to 0 writers"  # 75% < 80%
