"""Reviewers: pull a sampled submission, approve, reject or pass on it from the card or by
reaction (every card showing the submission then shows the verdict); settle tasks whose writers
disagree (`/review adjudicate`)."""

from __future__ import annotations

from bot import render, review_render
from bot.actions import Approve, NextReview, PassReview, Reject, RejectForm, ReviewAction
from bot.arguments import whole_number
from bot.events import ActionEvent, CommandEvent, FormSubmitEvent, MessageRef, ReactionEvent
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
REVIEW_LINK = "review"  # any card showing a submission for review (reactions find it by this)
CHANNEL_LINK = "review-post"  # the review channel's card of a submission, updated with the verdict


async def review_card_for(ctx: BotContext, submission: Submission) -> Card:
    """The review card of a submission, with the other writers' answers to the same task."""
    batch = await ctx.bank.batch(submission.batch_id)
    task = await ctx.bank.task(submission.task_id)
    project = await ctx.bank.project(batch.project_id)
    others = await ctx.bank.task_answers(submission.task_id)
    card = review_render.review_card(batch, task, submission, ctx.time_zone, project, others)
    return await fair_work.without_author(ctx, card, batch.project_id)


async def post_for_review(
    ctx: BotContext, submission: Submission, *, once: Once | None = None
) -> None:
    """Post a sampled submission to the review channel with ✅ and ❌ ready, and remember it."""
    message = await ctx.port.post_card(
        ctx.review_place, await review_card_for(ctx, submission), once=once
    )
    await ctx.bank.link_message(message.key, REVIEW_LINK, submission.id)
    await ctx.bank.link_message(message.key, CHANNEL_LINK, submission.id)
    for emoji in (APPROVE_EMOJI, REJECT_EMOJI):
        await ctx.port.add_reaction(message, emoji)


async def review_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/review`: the next sampled submission this reviewer did not write (sampling if none wait)."""
    ctx.roles.require(event.actor, Role.REVIEWER, "/review")
    if event.args and event.args[0] == "adjudicate":
        await adjudicate(ctx, event, event.args[1:])
        return
    await _next_review(ctx, event)


async def _next_review(ctx: BotContext, event: CommandEvent | ActionEvent) -> None:
    """Reply privately with the next submission waiting for this reviewer, or say none waits."""
    submission = await ctx.bank.next_review(event.actor.key)
    if submission is None:
        await ctx.bank.sample_for_review(ctx.review_sample_size)
        submission = await ctx.bank.next_review(event.actor.key)
    if submission is None:
        card = render.notice_card("Nothing to review", "No submission is waiting for you.")
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
            "Nothing to adjudicate", "Every task with overlap has a clear consensus."
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
    ctx: BotContext,
    submission_id: int,
    reviewer: str,
    verdict: Verdict,
    reason: str | None,
    shown_on: MessageRef | None = None,
) -> Card:
    """Record a verdict (the first stands) and show it on the review channel's card too; the
    card returned is for `shown_on`, the card the verdict was given on."""
    outcome = await ctx.bank.record_review(submission_id, reviewer, verdict, reason)
    if outcome.recorded and outcome.review.verdict == Verdict.REJECTED:
        await fair_work.tell_writer_of_rejection(ctx, submission_id)
    channel_card = review_render.verdict_card(outcome.review, outcome.recorded, next_button=False)
    in_channel = False
    for ref in await ctx.bank.linked_messages(CHANNEL_LINK, submission_id):
        channel_id, _, message_id = ref.rpartition("/")
        message = MessageRef(channel_id, message_id)
        if message == shown_on:
            in_channel = True
        else:
            await ctx.port.update_card(message, channel_card)
    return (
        channel_card if in_channel else review_render.verdict_card(outcome.review, outcome.recorded)
    )


async def action(ctx: BotContext, event: ActionEvent, action: ReviewAction) -> None:
    """Approve at once; reject opens a form for the reason; pass and next bring the next one."""
    ctx.roles.require(event.actor, Role.REVIEWER, "Reviewing")
    match action:
        case Reject(submission_id=submission_id):
            earlier = await _earlier_verdict(ctx, submission_id)
            if earlier is not None:
                await ctx.reply(event, earlier)
                return
            await ctx.port.open_form(
                review_render.reject_form(submission_id), context=event.context
            )
        case Approve(submission_id=submission_id):
            card = await _verdict(
                ctx, submission_id, event.actor.key, Verdict.APPROVED, None, event.message
            )
            if event.message is not None:
                await ctx.port.update_card(event.message, card, context=event.context)
        case PassReview(submission_id=submission_id):
            await ctx.bank.pass_review(submission_id, event.actor.key)
            await _next_review(ctx, event)
        case NextReview():
            await _next_review(ctx, event)


async def _earlier_verdict(ctx: BotContext, submission_id: int) -> Card | None:
    """The verdict card when a submission is already decided (nothing more is asked)."""
    review = await ctx.bank.review_of(submission_id)
    return None if review is None else review_render.verdict_card(review, recorded=False)


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
            event.message,
        )
    except ValidationFailed as failure:
        message = failure.problems[0].message
        return FormErrors({"reason": message}, review_render.reject_form(submission_id, message))
    if event.message is not None:
        await ctx.port.update_card(event.message, card, context=event.context)
    else:
        await ctx.reply(event, card)
    return None


async def reaction(ctx: BotContext, event: ReactionEvent) -> None:
    """✅ on a review card approves; ❌ asks for the reason (or says an earlier verdict stands).
    Others' reactions are refused privately."""
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
            card = await _verdict(
                ctx, submission_id, event.actor.key, Verdict.APPROVED, None, event.message
            )
            await ctx.port.update_card(event.message, card)
            return
        submission = await ctx.bank.submission(submission_id)
        if submission.writer_id == event.actor.key:
            raise NotAllowed("a reviewer cannot judge their own work")
        earlier = await _earlier_verdict(ctx, submission_id)
        if earlier is not None:
            await ctx.port.send_direct(event.actor, earlier)
            return
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
