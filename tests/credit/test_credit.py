"""Credit a writer opts into, on both stores: names are checked, exports name opted-in writers
by their chosen name and everyone else by a pseudonym that stays the same across exports and
batches, and the contributors file lists the credited with their tasks and hours."""

from __future__ import annotations

import csv
import io
import json

import pytest

from taskbank.credit import credited_name
from taskbank.errors import ValidationFailed
from tests.batches import TONE_ANSWER, tone_batch

ANA, BEN, CAL = "test:ana", "test:ben", "test:cal"


async def answer(bank, writer: str, key: str, minutes: int) -> None:
    claimed = await bank.claim(writer)
    bank.clock.advance(minutes=minutes)
    await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, key)


async def export(bank, batch_id: int) -> list[dict]:
    out = io.StringIO()
    await bank.export(batch_id, out, "jsonl")
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def contributors(bank, batch_id: int) -> list[list[str]]:
    out = io.StringIO()
    await bank.export_contributors(batch_id, out)
    return list(csv.reader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("A", "2 to 60 characters"),
        ("x" * 61, "2 to 60 characters"),
        ("<@U0123>", "start with a letter"),
        ("Ana @here", "'@' is not allowed"),
        ("Ana *bold*", "'*' is not allowed"),
        ("Ana\u200bLima", "no control or invisible"),
        ("=HYPERLINK(1)", "start with a letter"),
        ("off", "withdraws"),
    ],
)
def test_a_credited_name_refuses_mentions_markup_and_control_characters(name, problem):
    with pytest.raises(ValidationFailed, match=problem):
        credited_name(name)


def test_a_credited_name_keeps_any_script_and_folds_spaces():
    assert credited_name("  Zoë   O'Brien-Łukasz ") == "Zoë O'Brien-Łukasz"
    assert credited_name("山田 太郎") == "山田 太郎"


async def test_rows_carry_the_credited_name_or_a_pseudonym_stable_across_exports(bank):
    first = await bank.import_batch(tone_batch(2), filename="one.jsonl")
    await answer(bank, ANA, "a1", 6)
    await answer(bank, BEN, "b1", 12)
    await bank.set_credit(ANA, "test PROJECT", "Ana Lima")  # the project's name in any case
    rows = await export(bank, first.id)
    assert (rows[0]["writer"], rows[0]["credited"]) == ("Ana Lima", True)
    ben = rows[1]["writer"]
    assert rows[1]["credited"] is False and ben.startswith("w-") and BEN not in json.dumps(rows)

    second = await bank.import_batch(tone_batch(1, name="tone-2"), filename="two.jsonl")
    await answer(bank, BEN, "b2", 3)
    assert [r["writer"] for r in await export(bank, second.id)] == [ben]  # same across batches
    assert [r["writer"] for r in await export(bank, first.id)] == ["Ana Lima", ben]

    withdrawn = await bank.set_credit(ANA, "Test project", "off")
    assert withdrawn.name is None
    ana = (await export(bank, first.id))[0]
    assert ana["writer"].startswith("w-") and ana["credited"] is False


async def test_the_contributors_file_names_only_those_who_opted_in(bank):
    batch = await bank.import_batch(tone_batch(4, overlap=1), filename="one.jsonl")
    await answer(bank, ANA, "a1", 30)
    await answer(bank, ANA, "a2", 60)
    await answer(bank, BEN, "b1", 12)
    await answer(bank, CAL, "c1", 6)
    await bank.set_credit(ANA, "Test project", "Ana Lima")
    assert await contributors(bank, batch.id) == [
        ["credited_as", "tasks", "hours_on_task"],
        ["Ana Lima", "2", "1.5"],
        ["2 more contributors (not credited)", "2", "0.3"],
    ]


async def test_credit_on_an_unknown_project_says_which_there_are(bank):
    await bank.import_batch(tone_batch(1), filename="one.jsonl")
    with pytest.raises(
        ValidationFailed, match=r"no project named 'Nope' \(projects: Test project\)"
    ):
        await bank.set_credit(ANA, "Nope", "Ana")
    assert await bank.credits_of(ANA) == []
