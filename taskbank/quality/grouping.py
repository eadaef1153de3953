"""Sums per task (or per any group) over answers, without sorting when they come grouped.

The store reads a batch's answers grouped by task, so the sort these sums would need is usually
already done: `order_by` checks in one pass and skips it.
"""

from __future__ import annotations

import numpy as np


def order_by(group: np.ndarray) -> np.ndarray | None:
    """The stable order that groups `group`, or None when it is grouped already (ascending)."""
    if len(group) < 2 or bool(np.all(group[1:] >= group[:-1])):
        return None
    return np.argsort(group, kind="stable")


class Grouping:
    """Row sums of per-answer values for each group, the grouping worked out once."""

    def __init__(self, group: np.ndarray, groups: int) -> None:
        self.order = order_by(group)
        ordered = group if self.order is None else group[self.order]
        self.starts = (
            np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(group) else ordered
        )
        self.keys = ordered[self.starts]
        self.groups = groups

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Groups × columns: the sum of `values` (answers × columns) in each group."""
        totals = np.zeros((self.groups, values.shape[1]))
        if len(self.keys):
            ordered = values if self.order is None else values[self.order]
            totals[self.keys] = np.add.reduceat(ordered, self.starts, axis=0)
        return totals
