"""Gold mixing: which kind of task (gold or ordinary) a claim tries first on each batch.

The choice is drawn from the bank's seeded random source at the batch's gold rate, so a
writer's stream holds gold at that rate wherever the gold sits in the file, and a test with a
fixed seed sees the same stream every run. The store's claim statement takes the order and
falls back to the other kind when the first has nothing open to the writer.
"""

from __future__ import annotations

import random

from taskbank.qualification import QualityPolicy

ANY = "any"  # no gold in the batch: file order
GOLD_FIRST = "gold,plain"
PLAIN_FIRST = "plain,gold"
GOLD_ONLY = "gold"  # a writer still qualifying gets gold tasks only


def claim_order(policy: QualityPolicy, rng: random.Random, *, qualifying: bool = False) -> str:
    """The kinds a claim tries on one batch, in order, as the store's claim takes them."""
    if qualifying:
        return GOLD_ONLY
    if policy.gold_rate is None:
        return ANY
    return GOLD_FIRST if rng.random() < policy.gold_rate else PLAIN_FIRST
