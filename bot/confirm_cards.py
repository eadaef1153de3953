"""The cards that ask before a writer acts for good: skip, release, or submit with nothing
picked where "none" is a fine answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.actions import Release, Show, Skip, Submit
from bot.ui import Button, Card, ControlRow
from taskbank.models import ClaimedTask
from taskbank.questions import _Question

_ENDINGS = {
    "skip": (
        "Skip this task?",
        "Skip it when it is not for you: unclear, outside what you know, or something you would"
        " rather not write.",
        "Yes, skip it",
    ),
    "release": (
        "Release this task?",
        "Release it when you can't finish it now: its slot goes back to the pool at once, instead"
        " of when your lease runs out.",
        "Yes, release it",
    ),
}


def untouched_none(claimed: ClaimedTask, draft: Mapping[str, Any]) -> list[_Question]:
    """Label questions where "none" is a fine answer that the writer has not touched."""
    return [
        q
        for q in claimed.batch.questions
        if getattr(q, "kind", None) == "labels" and q.min_count == 0 and q.id not in draft
    ]


def confirm_none_card(claimed: ClaimedTask, untouched: Sequence[_Question]) -> Card:
    """Before submitting with nothing picked where none is allowed: none, or back to pick."""
    aid = claimed.assignment.id
    prompts = "\n".join(f"• {q.prompt}" for q in untouched)
    return Card(
        title=f"Nothing picked — is the answer none? ({claimed.task.external_id})",
        blocks=(f"You picked nothing for:\n{prompts}",),
        rows=(
            ControlRow(
                (
                    Button(Submit(aid, "none").encode(), "None of these — submit", "primary"),
                    Button(Show(aid).encode(), "Back to pick"),
                )
            ),
        ),
        tone="warning",
    )


def confirm_end_card(claimed: ClaimedTask, how: str) -> Card:
    """The question before a skip or release: what it means, and that it is for good."""
    title, meaning, yes = _ENDINGS[how]
    aid = claimed.assignment.id
    final = Skip(aid) if how == "skip" else Release(aid)
    return Card(
        title=f"{title} ({claimed.task.external_id})",
        blocks=(
            meaning,
            "Either way the task goes to other writers and you won't be offered it again; your"
            " draft is dropped.",
        ),
        rows=(
            ControlRow(
                (
                    Button(final.encode(), yes, "danger"),
                    Button(Show(aid).encode(), "Back to the task", "primary"),
                )
            ),
        ),
        tone="warning",
    )
