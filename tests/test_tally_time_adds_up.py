"""Time on task as a tally shows it adds up: each writer's line, read back, is their exact seconds,
so the lines sum to the totals line (two writers at 1h00m59s read '1h00m' each beside a total of
'2h01m' when the seconds of an hour or more were cut off). The writer's own 'Time given' line
likewise: its parts add up to its total."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.fairwork_render import rate_block
from bot.render import tally_card
from taskbank.fairpay import FairWorkPolicy, HourlyRate
from taskbank.models import Tally, TallyLine

AT = datetime(2026, 11, 2, tzinfo=UTC)
DURATION = re.compile(r"(?:(\d+)h)?(\d+)m(\d+)s")


def seconds_in(text: str) -> list[int]:
    return [int(h or 0) * 3600 + int(m) * 60 + int(s) for h, m, s in DURATION.findall(text)]


@given(st.lists(st.integers(0, 200_000), min_size=1, max_size=6))
def test_the_tally_lines_time_sums_to_its_totals_line(seconds):
    lines = [TallyLine(writer_id=f"w{i}", seconds_on_task=s) for i, s in enumerate(seconds)]
    card = tally_card(
        Tally(period_start=AT, period_end=AT, lines=lines), "Tally", "USD", zone="UTC"
    )

    shown = seconds_in(card.blocks[0])

    assert shown[:-1] == seconds and shown[-1] == sum(seconds)


@given(st.integers(0, 20_000), st.integers(0, 20_000), st.integers(1, 20_000))
def test_the_time_given_parts_sum_to_its_total(approved, pending, rejected):
    rate = HourlyRate(
        "w", paid_cents=100, approved_seconds=approved, pending_seconds=pending,
        rejected_seconds=rejected, holds=3, approved_answers=1,
    )  # fmt: skip

    text = rate_block(rate, FairWorkPolicy(), "USD")

    total, *parts = seconds_in(text.split("Time given: ")[1].split(". Money")[0])
    assert parts == [approved, pending, rejected] and total == sum(parts)
