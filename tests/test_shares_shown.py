"""Shares shown to people never round up to a mark they did not reach: a gold accuracy with a
miss is under 100%, a paused writer's share reads under the threshold that paused them, and a
rate short of its target reads under 100% of it. Checked against the exact fractions."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from bot.fairwork_render import rate_block
from bot.quality_view import share
from taskbank.fairpay import FairWorkPolicy, HourlyRate
from taskbank.qualification import GoldRecord, QualityPolicy, pause_decision


def _number(text: str) -> Fraction:
    return Fraction(text.rstrip("%")) / 100


@given(
    st.integers(1, 100_000).flatmap(lambda whole: st.tuples(st.integers(0, whole), st.just(whole)))
)
def test_a_gold_accuracy_shows_at_most_the_exact_share_and_100_only_when_all_right(pair):
    right, whole = pair

    shown = _number(share(right, whole).split(" of ")[0])

    assert shown <= Fraction(right, whole) < shown + Fraction(1, 100)
    assert (shown == 1) == (right == whole)


def test_one_miss_in_two_thousand_gold_answers_is_not_100_percent():
    assert share(1999, 2000) == "99% of 2,000"


@given(
    st.integers(1, 60).flatmap(
        lambda window: st.tuples(
            st.just(window), st.integers(0, window), st.integers(1, 999).map(lambda m: m / 1000)
        )
    )
)
def test_a_paused_writers_share_always_reads_under_the_threshold(case):
    window, right, needed = case
    policy = QualityPolicy(pause_window=window, pause_accuracy=needed)
    record = GoldRecord([(i, i < right) for i in range(window)])

    decision = pause_decision(policy, record)

    if decision is None:
        return
    shown_share = decision.reason.split("(")[1].split(")")[0]
    shown_needed = decision.reason.rsplit("at least ", 1)[1]
    assert _number(shown_share) < _number(shown_needed)
    assert _number(shown_needed) >= Fraction(needed).limit_denominator(1000)


def test_thirteen_of_fifteen_against_87_percent_reads_under_it():
    policy = QualityPolicy(pause_window=15, pause_accuracy=0.87)
    record = GoldRecord([(i, i >= 2) for i in range(15)])

    decision = pause_decision(policy, record)

    assert decision is not None
    assert "13 of 15 right (86%)" in decision.reason
    assert decision.reason.endswith("at least 87%")


@given(st.integers(1, 2_000), st.integers(1, 36_000), st.integers(1, 5_000))
def test_a_rate_short_of_its_target_never_reads_as_100_percent_of_it(cents, seconds, target):
    rate = HourlyRate("w", paid_cents=cents, approved_seconds=seconds, targets=(("P", target),))
    hourly = cents * 3600 // seconds

    text = rate_block(rate, FairWorkPolicy(floor_hourly_cents=0), "USD")

    shown = _number(text.rsplit(" at ", 1)[1].split(" of it")[0])
    assert shown <= Fraction(hourly, target)
    assert (shown >= 1) == (hourly >= target)


@given(st.floats(0, 1), st.floats(0.001, 1))
def test_any_share_under_a_threshold_reads_under_it(value, needed):
    from taskbank.shares import percent, threshold_percent

    if value >= needed:
        return
    assert _number(percent(value)) < _number(threshold_percent(needed))
