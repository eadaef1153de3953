"""The tally, recomputed from the raw rows by its definition: per writer, the submissions made in
the period (counts by status and their seconds), the ledger entries made in it by kind, pending pay
at the batch's rate; and the totals line equal to the sum of the writers' lines. Random days of
work (seeded) cross the period's boundaries, so work and money fall on both sides of them."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from taskbank.clock import to_micros
from taskbank.errors import NothingToClaim
from taskbank.models import LedgerKind, TallyLine, Verdict
from taskbank.periods import period_containing
from tests.batches import TONE_ANSWER, tone_batch
from tests.inspect_db import query

WRITERS = ["test:ana", "test:ben", "test:cy"]


async def random_days(bank, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    await bank.import_batch(tone_batch(40, pay_cents=37, overlap=3), filename="a.jsonl")
    await bank.import_batch(tone_batch(40, pay_cents=125, overlap=3, name="b"), filename="b.jsonl")
    waiting: list[int] = []
    for _ in range(60):
        writer = rng.choice(WRITERS)
        roll = rng.random()
        if roll < 0.55:
            try:
                claimed = await bank.claim(writer)
            except NothingToClaim:
                continue
            bank.clock.advance(seconds=rng.choice([0, 1, 59, 61, 600, 3599, 7300]))
            result = await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, f"k{_}")
            waiting.append(result.submission.id)
        elif roll < 0.8 and waiting:
            verdict = rng.choice([Verdict.APPROVED, Verdict.REJECTED])
            await bank.record_review(
                waiting.pop(rng.randrange(len(waiting))), "test:rev", verdict, "off tone"
            )
        elif roll < 0.9:
            kind = rng.choice([LedgerKind.BONUS, LedgerKind.ADJUSTMENT])
            cents = rng.randint(1, 999) * (1 if kind == LedgerKind.BONUS else rng.choice([1, -1]))
            await bank.add_ledger_entry(writer, kind, cents, "random")
        else:
            bank.clock.advance(hours=rng.choice([1, 5, 11, 23]))


async def expected_lines(bank, start, end) -> list[TallyLine]:  # type: ignore[no-untyped-def]
    span = (to_micros(start), to_micros(end))
    lines: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for writer, status, seconds, pay in await query(
        bank.store,
        "SELECT s.writer_id, s.status, s.seconds_on_task, b.pay_cents FROM submissions AS s"
        " JOIN batches AS b ON b.id = s.batch_id WHERE s.submitted_at >= ? AND s.submitted_at < ?",
        *span,
    ):
        line = lines[writer]
        line["submitted"] += 1
        line[status] += 1
        line["seconds_on_task"] += seconds
        if status == "pending":
            line["pending_cents"] += pay
    for writer, kind, cents in await query(
        bank.store,
        "SELECT writer_id, kind, amount_cents FROM ledger WHERE created_at >= ? AND created_at < ?",
        *span,
    ):
        lines[writer][f"{kind}_cents"] += cents
    return [TallyLine(writer_id=w, **dict(values)) for w, values in sorted(lines.items())]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_tally_is_its_raw_rows_summed_and_the_totals_are_its_lines(bank, seed):
    await random_days(bank, random.Random(seed))
    lines_seen = 0

    for kind in ("day", "week"):
        for moment in {bank.now(), *[bank.now().replace(hour=h) for h in (0, 12)]}:
            period = period_containing(moment, kind, "UTC")
            tally = await bank.tally(period)
            lines_seen += len(tally.lines)

            assert tally.lines == await expected_lines(bank, period.start, period.end)
            for field in TallyLine.model_fields:
                if field != "writer_id":
                    total = sum(getattr(line, field) for line in tally.lines)
                    assert getattr(tally.totals, field) == total
            assert tally.totals.total_cents == sum(line.total_cents for line in tally.lines)
    assert lines_seen  # the days held work
