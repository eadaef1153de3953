"""Reviewers: pull a sampled submission, approve or reject it from the card or by reaction;
settle tasks whose writers disagree (`/review adjudicate`)."""

from __future__ import annotations

from bot import render
from bot.actions import Approve, Reject, RejectForm, ReviewAction
from bot.arguments import whole_number
from bot.events import ActionEvent, CommandEvent, FormSubmitEvent, ReactionEvent
from bot.handlers import fair_work
from bot.handlers.context import BotContext
from bot.port import Once
from bot.roles import Role
from bot.ui import Card, FormErrors
from taskbank.adjudication import Dispute
from taskbank.errors import NotAllowed, Problem, ValidationFailed
from taskbank.models import Submission, Verdict

ADJUDICATE_USAGE = "/review adjudicate [batch id] | /review adjudicate <task id> <submission id>"

APPROVE_EMOJI = "✅"
REJECT_EMOJI = "❌"
REVIEW_LINK = "review"


async def review_card_for(ctx: BotContext, submission: Submission):  # type: ignore[no-untyped-def]
    """The review card of a submission."""
    batch = await ctx.bank.batch(submission.batch_id)
    task = await ctx.bank.task(submission.task_id)
    card = render.review_card(batch, task, submission, ctx.time_zone)
    return await fair_work.without_author(ctx, card, batch.project_id)


async def post_for_review(
    ctx: BotContext, submission: Submission, *, once: Once | None = None
) -> None:
    """Post a sampled submission to the review channel with ✅ and ❌ ready, and remember it."""
    message = await ctx.port.post_card(
        ctx.review_place, await review_card_for(ctx, submission), once=once
    )
    await ctx.bank.link_message(message.key, REVIEW_LINK, submission.id)
    for emoji in (APPROVE_EMOJI, REJECT_EMOJI):
        await ctx.port.add_reaction(message, emoji)


async def review_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/review`: the next sampled submission this reviewer did not write (sampling if none wait)."""
    ctx.roles.require(event.actor, Role.REVIEWER, "/review")
    if event.args and event.args[0] == "adjudicate":
        await adjudicate(ctx, event, event.args[1:])
        return
    submission = await ctx.bank.next_review(event.actor.key)
    if submission is None:
        await ctx.bank.sample_for_review(ctx.review_sample_size)
        submission = await ctx.bank.next_review(event.actor.key)
    if submission is None:
        card = render.notice_card("Nothing to review", "No submission is waiting for a verdict.")
    else:
        card = await review_card_for(ctx, submission)
    message = await ctx.reply(event, card)
    if submission is not None:
        await ctx.bank.link_message(message.key, REVIEW_LINK, submission.id)


async def adjudicate(ctx: BotContext, event: CommandEvent, args: tuple[str, ...]) -> None:
    """`/review adjudicate [batch]`: the next task whose writers disagree, with each answer;
    `/review adjudicate <task id> <submission id>`: that answer stands as the task's final one."""
    if args[:1] == ("next",):  # Discord's option says 'next' for "no batch in particular"
        args = args[1:]
    if len(args) == 2:
        task_id = whole_number(args[0], "task id")
        submission_id = whole_number(args[1], "submission id")
        _, recorded = await ctx.bank.adjudicate(task_id, event.actor.key, submission_id)
        title = "Final answer recorded" if recorded else "Already settled"
        text = (
            f"Submission {submission_id}'s answer is now the final answer to task {task_id}."
            if recorded
            else f"Task {task_id} already has a final answer; the first decision stands."
        )
        await ctx.reply(event, render.notice_card(title, text, "success" if recorded else "info"))
        return
    if len(args) > 2:
        raise ValidationFailed([Problem("usage", f"usage: {ADJUDICATE_USAGE}")])
    batch_id = whole_number(args[0], "batch id") if args else None
    waiting = [
        d
        for d in await ctx.bank.adjudication_queue(batch_id)
        if all(s.writer_id != event.actor.key for s in d.submissions)
    ]
    if not waiting:
        card = render.notice_card(
            "Nothing to adjudicate", "Every task with overlap has a majority."
        )
    else:
        card = dispute_card(waiting[0], len(waiting))
    await ctx.reply(event, card)


def dispute_card(dispute: Dispute, waiting: int) -> Card:
    """A task the writers disagree on: its payload, each answer, and how to settle it."""
    by_id = {q.id: q for q in dispute.batch.questions}
    prompts = ", ".join(f"'{by_id[q].prompt}'" for q in dispute.questions)
    answers = [
        f"{s.id}: "
        + "; ".join(
            f"{question.prompt} = {render.answer_text(question, s.answers[question.id])}"
            for question in dispute.batch.questions
            if s.answers.get(question.id) is not None
        )
        for s in dispute.submissions
    ]
    payload = "\n".join(
        str(v) if not isinstance(v, list) else "\n".join(map(str, v))
        for v in dispute.task.payload.values()
    )
    return Card(
        title=f"Adjudicate task {dispute.task.external_id} (batch {dispute.batch.id})",
        blocks=(
            payload,
            f"The writers disagree on {prompts}. Their answers:",
            "\n".join(answers),
            f"Pick the one that stands: /review adjudicate {dispute.task.id} <submission id>",
        ),
        footer=f"{waiting} task(s) awaiting adjudication",
    )


async def _verdict(
    ctx: BotContext, submission_id: int, reviewer: str, verdict: Verdict, reason: str | None
):  # type: ignore[no-untyped-def]
    outcome = await ctx.bank.record_review(submission_id, reviewer, verdict, reason)
    review = outcome.review
    if outcome.recorded and review.verdict == Verdict.REJECTED:
        await fair_work.tell_writer_of_rejection(ctx, submission_id)
    title = f"{'Approved' if review.verdict == Verdict.APPROVED else 'Rejected'}: submission {submission_id}"
    text = f"By {review.reviewer_id}" + (f" — {review.reason}" if review.reason else "")
    if not outcome.recorded:
        title += " (an earlier verdict stands)"
    return render.notice_card(
        title, text, "success" if review.verdict == Verdict.APPROVED else "warning"
    )


async def action(ctx: BotContext, event: ActionEvent, action: ReviewAction) -> None:
    """Approve at once; reject opens a form for the reason."""
    ctx.roles.require(event.actor, Role.REVIEWER, "Reviewing")
    match action:
        case Reject(submission_id=submission_id):
            await ctx.port.open_form(render.reject_form(submission_id), context=event.context)
        case Approve(submission_id=submission_id):
            card = await _verdict(ctx, submission_id, event.actor.key, Verdict.APPROVED, None)
            if event.message is not None:
                await ctx.port.update_card(event.message, card, context=event.context)


async def reject_form(
    ctx: BotContext, event: FormSubmitEvent, form: RejectForm
) -> FormErrors | None:
    """The reason for a rejection; a blank one goes back to the reviewer."""
    ctx.roles.require(event.actor, Role.REVIEWER, "Reviewing")
    submission_id = form.submission_id
    reason = event.values.get("reason")
    try:
        card = await _verdict(
            ctx,
            submission_id,
            event.actor.key,
            Verdict.REJECTED,
            reason if isinstance(reason, str) else None,
        )
    except ValidationFailed as failure:
        message = failure.problems[0].message
        return FormErrors({"reason": message}, render.reject_form(submission_id, message))
    if event.message is not None:
        await ctx.port.update_card(event.message, card, context=event.context)
    else:
        await ctx.reply(event, card)
    return None


async def reaction(ctx: BotContext, event: ReactionEvent) -> None:
    """✅ on a review card approves; ❌ asks for the reason. Others' reactions are refused privately."""
    if not event.added or event.emoji not in (APPROVE_EMOJI, REJECT_EMOJI):
        return
    submission_id = await ctx.bank.linked_subject(event.message.key, REVIEW_LINK)
    if submission_id is None:
        return
    if not ctx.roles.has(event.actor, Role.REVIEWER):
        await ctx.port.send_direct(
            event.actor,
            render.notice_card(
                "Reaction ignored", "Only reviewers' ✅ and ❌ count as verdicts.", "warning"
            ),
        )
        return
    try:
        if event.emoji == APPROVE_EMOJI:
            card = await _verdict(ctx, submission_id, event.actor.key, Verdict.APPROVED, None)
            await ctx.port.update_card(event.message, card)
            return
        submission = await ctx.bank.submission(submission_id)
        if submission.writer_id == event.actor.key:
            raise NotAllowed("a reviewer cannot judge their own work")
        await ctx.port.send_direct(
            event.actor,
            render.Card(
                title=f"Why reject submission {submission_id}?",
                blocks=("A rejection needs a reason the writer can learn from.",),
                rows=(
                    render.ControlRow(
                        (render.Button(Reject(submission_id).encode(), "Give a reason…", "danger"),)
                    ),
                ),
            ),
        )
    except NotAllowed as refusal:
        await ctx.port.send_direct(
            event.actor,
            render.notice_card("Reaction ignored", str(refusal).capitalize() + ".", "warning"),
        )
