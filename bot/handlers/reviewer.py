"""Reviewers: pull a sampled submission, approve or reject it from the card or by reaction."""

from __future__ import annotations

from bot import render
from bot.actions import Approve, Reject, RejectForm, ReviewAction
from bot.events import ActionEvent, CommandEvent, FormSubmitEvent, ReactionEvent
from bot.handlers import fair_work
from bot.handlers.context import BotContext
from bot.port import Once
from bot.roles import Role
from bot.ui import FormErrors
from taskbank.errors import NotAllowed, ValidationFailed
from taskbank.models import Submission, Verdict

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
