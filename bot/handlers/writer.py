"""Writers: claim a task, answer it on its card and form, submit, skip, release, see earnings."""

from __future__ import annotations

from typing import Any

from bot import render
from bot.arguments import control_number, control_parts, is_whole_number, whole_number
from bot.events import ActionEvent, Actor, CommandEvent, FormSubmitEvent, MessageRef, Place
from bot.handlers.context import BotContext
from bot.roles import Role
from bot.ui import Card, FormErrors
from taskbank.errors import LeaseLost, NotAllowed, NothingToClaim, ValidationFailed
from taskbank.models import ClaimedTask
from taskbank.periods import period_containing
from taskbank.questions import LabelQuestion, LabelsQuestion, RatingQuestion, validate_response


async def show(
    ctx: BotContext,
    actor: Actor,
    place: Place,
    card: Card,
    message: MessageRef | None,
    context: Any,
) -> None:
    """Update the card the writer is using, or post a private one."""
    if message is not None:
        await ctx.port.update_card(message, card, context=context)
    else:
        await ctx.port.post_card(place, card, visibility="private", to=actor, context=context)


async def task_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/task [batch id | template]`: the writer's current task, or the next one."""
    ctx.roles.require(event.actor, Role.WRITER, "/task")
    wanted = event.args[0] if event.args else None
    await offer_task(ctx, event.actor, event.place, None, event.context, wanted=wanted)


async def offer_task(
    ctx: BotContext,
    actor: Actor,
    place: Place,
    message: MessageRef | None,
    context: Any,
    *,
    wanted: str | None = None,
) -> None:
    """Show the task the writer already holds, else claim the next; explain when there is none.

    `wanted` is a batch id or a template name to claim from.
    """
    writer = actor.key
    batch_id, template = None, None
    if wanted:
        batch_id, template = (int(wanted), None) if is_whole_number(wanted) else (None, wanted)
    held = await ctx.bank.active_assignments(writer)
    if held and batch_id is None and template is None:
        claimed = await ctx.bank.claimed(held[0].id)
        if claimed.assignment.lease_expires_at > ctx.bank.clock.now():
            await show(ctx, actor, place, await _task_card(ctx, claimed), message, context)
            return
    try:
        claimed = await ctx.bank.claim(writer, batch_id=batch_id, template=template)
    except NothingToClaim as nothing:
        if nothing.needs_terms_for is not None:
            project = await ctx.bank.project(nothing.needs_terms_for)
            card = render.terms_card(project.id, project.name, project.terms or "", wanted)
        else:
            card = render.notice_card("Nothing to claim", nothing.reason.capitalize() + ".")
        await show(ctx, actor, place, card, message, context)
        return
    await show(ctx, actor, place, await _task_card(ctx, claimed), message, context)


async def _task_card(
    ctx: BotContext, claimed: ClaimedTask, errors: dict[str, str] | None = None
) -> Card:
    draft = await ctx.bank.draft(claimed.assignment.id)
    return render.task_card(
        claimed, draft, ctx.time_zone, ctx.currency, errors, now=ctx.bank.clock.now()
    )


async def action(ctx: BotContext, event: ActionEvent) -> None:
    """Card controls: answer a choice question, open the form, submit, skip, release, redraw,
    next, terms."""
    verb, _, rest = event.action_id.partition(":")
    actor, writer = event.actor, event.actor.key
    if verb == "next":
        await offer_task(ctx, actor, event.place, event.message, event.context)
        return
    if verb == "terms":
        wanted = rest.partition(":")[2]
        await ctx.bank.accept_terms(control_number(event.action_id, 1), writer)
        await offer_task(ctx, actor, event.place, event.message, event.context, wanted=wanted)
        return
    assignment_id = control_number(event.action_id, 1)
    try:
        claimed = await ctx.bank.claimed(assignment_id)
        if claimed.assignment.writer_id != writer:
            raise NotAllowed("that card belongs to another writer")
        if verb == "ans":
            await _choose(ctx, claimed, event)
        elif verb == "show":
            done = await ctx.bank.store.submission_for_assignment(assignment_id)
            card = (
                render.outcome_card(claimed, done, ctx.currency, replayed=True)
                if done is not None
                else await _task_card(ctx, claimed)
            )
            await show(ctx, actor, event.place, card, event.message, event.context)
        elif verb == "form":
            draft = await ctx.bank.draft(assignment_id)
            await ctx.port.open_form(render.answer_form(claimed, draft), context=event.context)
        elif verb == "submit":
            await _submit(ctx, claimed, actor, event.place, event.message, event.context)
        elif verb in ("skip", "release"):
            await (ctx.bank.skip if verb == "skip" else ctx.bank.release)(assignment_id, writer)
            card = render.ended_card(claimed, "skipped" if verb == "skip" else "released")
            await show(ctx, actor, event.place, card, event.message, event.context)
    except (LeaseLost, NotAllowed) as error:
        card = render.notice_card(
            "Can't do that", str(error).capitalize() + ".", "warning", next_button=True
        )
        await show(ctx, actor, event.place, card, event.message, event.context)


async def _choose(ctx: BotContext, claimed: ClaimedTask, event: ActionEvent) -> None:
    parts = control_parts(event.action_id, 3)
    question = next((q for q in claimed.batch.questions if q.id == parts[2]), None)
    if question is None:
        raise NotAllowed(f"this task has no question '{parts[2]}'")
    picked = parts[3:] or list(event.values)
    if isinstance(question, RatingQuestion):
        value: Any = whole_number(picked[0], "point on the scale", question.id) if picked else None
    else:
        assert isinstance(question, LabelQuestion | LabelsQuestion)
        options = question.resolve_options(claimed.task.payload)
        labels = [options[int(i)] for i in picked if is_whole_number(i) and int(i) < len(options)]
        value = labels if isinstance(question, LabelsQuestion) else (labels[0] if labels else None)
    await ctx.bank.save_draft(
        claimed.assignment.id, claimed.assignment.writer_id, {question.id: value}
    )
    await show(
        ctx, event.actor, event.place, await _task_card(ctx, claimed), event.message, event.context
    )


async def _submit(
    ctx: BotContext,
    claimed: ClaimedTask,
    actor: Actor,
    place: Place,
    message: MessageRef | None,
    context: Any,
) -> None:
    draft = await ctx.bank.draft(claimed.assignment.id)
    try:
        result = await ctx.bank.submit(
            claimed.assignment.id, actor.key, draft, f"card:{claimed.assignment.id}"
        )
    except ValidationFailed as failure:
        errors = {p.field: p.message for p in failure.problems}
        await show(ctx, actor, place, await _task_card(ctx, claimed, errors), message, context)
        return
    card = render.outcome_card(claimed, result.submission, ctx.currency, result.replayed)
    await show(ctx, actor, place, card, message, context)


async def answer_form(ctx: BotContext, event: FormSubmitEvent) -> FormErrors | None:
    """The answer form: keep what was written; errors go back beside the fields; complete means submit."""
    assignment_id = control_number(event.form_id, 1)
    claimed = await ctx.bank.claimed(assignment_id)
    if claimed.assignment.writer_id != event.actor.key:
        raise NotAllowed("that form belongs to another writer")
    done = await ctx.bank.store.submission_for_assignment(assignment_id)
    if done is not None:
        # The same form sent again (a retry, a double submit): show what was saved, store nothing.
        card = render.outcome_card(claimed, done, ctx.currency, replayed=True)
        await show(ctx, event.actor, event.place, card, event.message, event.context)
        return None
    answers = render.form_values_to_answers(
        claimed, event.values, await ctx.bank.draft(assignment_id)
    )
    draft = await ctx.bank.save_draft(assignment_id, event.actor.key, answers)
    try:
        validate_response(claimed.batch.questions, claimed.task.payload, draft)
    except ValidationFailed as failure:
        problems = {p.field: p.message for p in failure.problems}
        errors = render.form_errors_for(claimed, problems)
        if errors:
            return FormErrors(errors, render.answer_form(claimed, draft, errors))
        await show(
            ctx,
            event.actor,
            event.place,
            await _task_card(ctx, claimed, problems),
            event.message,
            event.context,
        )
        return None
    await _submit(ctx, claimed, event.actor, event.place, event.message, event.context)
    return None


async def earnings_command(ctx: BotContext, event: CommandEvent) -> None:
    """`/earnings [day|week|month]`: the writer's own tally, privately."""
    ctx.roles.require(event.actor, Role.WRITER, "/earnings")
    kind = event.args[0] if event.args else "week"
    if kind not in ("day", "week", "month"):
        raise ValidationFailed([_usage("period", "expected day, week or month")])
    period = period_containing(ctx.bank.clock.now(), kind, ctx.time_zone)  # type: ignore[arg-type]
    tally = await ctx.bank.tally(period, writer_id=event.actor.key)
    card = render.tally_card(tally, f"Your earnings, {period.label}", ctx.currency)
    await ctx.reply(event, card)


def _usage(field: str, message: str):  # type: ignore[no-untyped-def]
    from taskbank.errors import Problem

    return Problem(field, message)
