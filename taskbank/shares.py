"""Shares as people read them: a percentage never rounded up to a mark it did not reach.

Rounding to the nearest percent shows 1,999 right of 2,000 as "100%", a writer paused at 13 of
15 right as "87%" beside a threshold of "87%", and a rate at 99.6% of its target as "100% of
it". So a share is shown rounded down (100% only when whole, and a share under a threshold
always reads under it), and a threshold — the least that passes — rounded up to a tenth of a
percent, so what passes is never shown below it.
"""

from __future__ import annotations

import math

# Shares arrive as floats (0.29 * 100 is 28.999…): a hair of slack before rounding down.
_SLACK_DIGITS = 6


def percent(share: float) -> str:
    """A share as a whole percent rounded down: 0.9995 → '99%', 1.0 → '100%', 0.29 → '29%'."""
    return f"{math.floor(round(share * 100, _SLACK_DIGITS))}%"


def percent_of(part: int, whole: int) -> str:
    """`part` of `whole` as a whole percent rounded down, exactly (integers, no float)."""
    return f"{part * 100 // whole}%"


def threshold_percent(share: float) -> str:
    """The least share that passes, rounded up to a tenth of a percent: 0.8 → '80%',
    0.875 → '87.5%', 0.8333 → '83.4%'."""
    tenths = math.ceil(round(share * 1000, _SLACK_DIGITS))
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"
