"""Rendering for reviewers: the review card (with the other writers' answers), the verdict card,
the reason form, in reviewer-facing words."""

from __future__ import annotations

from collections.abc import Sequence

from bot.actions import Approve, NextReview, PassReview, Reject, RejectForm
from bot.render import (
    _duration,
    answer_text,
    guidelines_buttons,
    local_time,
    notice_card,
    payload_blocks,
)
from bot.ui import Button, Card, ControlRow, Field, Form, FormInput
from taskbank.models import Batch, Project, Review, Submission, Task, Verdict
from taskbank.questions import _Question

OTHERS_SHOWN = 5  # other writers' answers on one review card


def reviewer_prompt(question: _Question) -> str:
    """A question's prompt as a reviewer reads it: "Your rewrite" is the writer's rewrite."""
    prompt = question.prompt
    if prompt.lower().startswith("your "):
        return "The writer's " + prompt[5:]
    return prompt


def _answers(batch: Batch, submission: Submission) -> str:
    return "\n".join(
        f"{reviewer_prompt(q)}: {answer_text(q, submission.answers.get(q.id))}"
        for q in batch.questions
    )


def review_card(
    batch: Batch,
    task: Task,
    submission: Submission,
    zone: str,
    project: Project | None = None,
    others: Sequence[Submission] = (),
) -> Card:
    """A submission for review: the material, its answers, the other writers' answers to the same
    task, then approve, reject, pass and the guidelines."""
    blocks = [
        *payload_blocks(batch, task),
        f"This writer's answers:\n{_answers(batch, submission)}",
    ]
    compared = [o for o in others if o.id != submission.id][:OTHERS_SHOWN]
    for number, other in enumerate(compared, 1):
        blocks.append(
            f"Another writer's answers ({number} of {len(compared)}, {other.status.value}):\n"
            + _answers(batch, other)
        )
    return Card(
        title=f"Review: {batch.title}",
        blocks=tuple(blocks),
        fields=(
            Field("Writer", submission.writer_id),
            Field("Submitted", local_time(submission.submitted_at, zone)),
            Field("Time on task", _duration(submission.seconds_on_task)),
            Field("Submission", str(submission.id)),
        ),
        rows=(
            ControlRow(
                (
                    Button(Approve(submission.id).encode(), "Approve", "primary"),
                    Button(Reject(submission.id).encode(), "Reject…", "danger"),
                    Button(PassReview(submission.id).encode(), "Pass"),
                    *(guidelines_buttons(project) if project is not None else ()),
                )
            ),
        ),
        footer="React ✅ to approve or ❌ to reject. Pass leaves it to another reviewer.",
    )


def verdict_card(review: Review, recorded: bool, next_button: bool = True) -> Card:
    """A submission's verdict; on a reviewer's own card, the way on to the next one (the review
    channel's card keeps no buttons)."""
    approved = review.verdict == Verdict.APPROVED
    title = f"{'Approved' if approved else 'Rejected'}: submission {review.submission_id}"
    if not recorded:
        title += " (an earlier verdict stands)"
    text = f"By {review.reviewer_id}" + (f" — {review.reason}" if review.reason else "")
    return Card(
        title=title,
        blocks=(text,),
        rows=(ControlRow((Button(NextReview().encode(), "Next review", "primary"),)),)
        if next_button
        else (),
        tone="success" if approved else "warning",
    )


def reject_form(submission_id: int, error: str | None = None) -> Form:
    """Ask a reviewer why they reject."""
    return Form(
        RejectForm(submission_id).encode(),
        "Reason for rejecting",
        (
            FormInput(
                "reason",
                "What should the writer do differently?",
                "long",
                max_length=1000,
                error=error,
            ),
        ),
        "Reject",
        reopen=Reject(submission_id).encode(),
    )


def channel_refused_card(refusal: str, waiting: int) -> Card:
    """For coordinators: samples wait because the chat refuses Taskbot the review channel."""
    return notice_card(
        "Samples wait: Taskbot cannot post in the review channel",
        f"{refusal}. {waiting} sample(s) wait to be reviewed; they are posted on the first QA run"
        " after that.",
        "warning",
    )
