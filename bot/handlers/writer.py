"""Writers: claim a task, answer it on its card and form, submit, skip, release, see earnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot import confirm_cards, fairwork_render, render
from bot.actions import (
    AcceptTerms,
    Answer,
    AnswerForm,
    ConfirmEnd,
    DraftForm,
    EditForm,
    NextTask,
    OpenForm,
    Release,
    Show,
    ShowGuidelines,
    Skip,
    Submit,
    WriterAction,
)
from bot.arguments import is_whole_number
from bot.budget import budgets
from bot.events import ActionEvent, Actor, CommandEvent, FormSubmitEvent, MessageRef, Place
from bot.handlers import fair_work, quality
from bot.handlers.context import BotContext
from bot.roles import Role
from bot.ui import Card, FormErrors
from bot.widgets import widget_for
from taskbank.errors import LeaseLost, NotAllowed, NothingToClaim, ValidationFailed
from taskbank.models import AssignmentState, ClaimedTask
from taskbank.questions import _Question
from taskbank.questions.base import MAX_TEXT_CHARS


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
    """`/task [batch id | template]`: the writer's current task, else the next one; with several
    batches open to them and none named, the open-work menu (as `/work`) to choose from."""
    ctx.roles.require(event.actor, Role.WRITER, "/task")
    wanted = event.args[0] if event.args else None
    await offer_task(
        ctx, event.actor, event.place, None, event.context, wanted=wanted, menu_if_several=True
    )


async def offer_task(
    ctx: BotContext,
    actor: Actor,
    place: Place,
    message: MessageRef | None,
    context: Any,
    *,
    wanted: str | None = None,
    project_id: int | None = None,
    menu_if_several: bool = False,
) -> None:
    """Show the task the writer already holds, else claim the next; explain when there is none.

    `wanted` is a batch id, a batch name or a template name to claim from; `project_id` keeps
    "Next task" in the project of the task just done; `menu_if_several` shows the open-work
    menu instead of claiming when nothing is named and several batches have a task for them.
    """
    writer = actor.key
    batch_id, template = None, None
    if wanted:
        batch_id, template = await _batch_or_template(ctx, wanted)
        wanted = str(batch_id) if batch_id is not None else wanted
    held = await ctx.bank.active_assignments(writer)
    if held and batch_id is None and template is None:
        claimed = await ctx.bank.claimed(held[0].id)
        if claimed.assignment.lease_expires_at > ctx.bank.now():
            await show(ctx, actor, place, await _task_card(ctx, claimed), message, context)
            return
    if menu_if_several and batch_id is None and template is None and project_id is None:
        menu = await _menu_if_several(ctx, writer)
        if menu is not None:
            await show(ctx, actor, place, menu, message, context)
            return
    try:
        claimed = await ctx.bank.claim(
            writer, batch_id=batch_id, template=template, project_id=project_id
        )
    except NothingToClaim as nothing:
        if nothing.needs_terms_for is not None:
            project = await ctx.bank.project(nothing.needs_terms_for)
            await ctx.bank.terms_shown(project.id, writer)
            card = render.terms_card(project, wanted)
        elif project_id is not None:
            project = await ctx.bank.project(project_id)
            card = render.project_done_card(project.name, nothing.reason)
        else:
            card = await _nothing_card(ctx, nothing.reason)
        await show(ctx, actor, place, card, message, context)
        return
    await show(ctx, actor, place, await _task_card(ctx, claimed), message, context)


async def _menu_if_several(ctx: BotContext, writer: str) -> Card | None:
    """The open-work menu when more than one batch has a task for this writer, else None (the
    claim goes ahead). One open batch, the usual case, costs no more than the claim's own
    moment-old list of open batches."""
    if await ctx.bank.open_batch_count(writer) < 2:
        return None
    offers = await ctx.bank.open_work(writer, ctx.fair_work.min_timings)
    if len(offers) < 2:
        return None
    return fairwork_render.work_menu(offers, ctx.fair_work, ctx.time_zone, ctx.currency)


async def _nothing_card(ctx: BotContext, reason: str) -> Card:
    """Why there is nothing to claim; a project whose budget is used up is named apart from
    tasks taken or done, so a writer knows the work waits on the coordinator, not on them."""
    left = await budgets(ctx.bank)
    stopped = sorted(
        {
            left[b.project_id].project.name
            for b in await ctx.bank.list_batches()
            if b.state == "open" and b.project_id in left and left[b.project_id].left < b.pay_cents
        }
    )
    if not stopped:
        return render.notice_card("Nothing to claim", reason.capitalize() + ".")
    names = ", ".join(stopped)
    return render.notice_card(
        "Nothing to claim: budget used up",
        f"The budget of {names} is used up (paid, or promised to work in hand), so its tasks wait"
        " until a coordinator raises it. Any other open task is taken or already done by you.",
    )


async def _batch_or_template(ctx: BotContext, wanted: str) -> tuple[int | None, str | None]:
    """What `/task` was given: a batch id, a batch's name (as cards show them), or a template."""
    if is_whole_number(wanted):
        return int(wanted), None
    named = [b for b in await ctx.bank.list_batches() if b.name == wanted]
    open_named = [b for b in named if b.state == "open"] or named
    return (open_named[-1].id, None) if open_named else (None, wanted)


async def _task_card(
    ctx: BotContext,
    claimed: ClaimedTask,
    errors: dict[str, str] | None = None,
    note: str | None = None,
) -> Card:
    draft = await ctx.bank.draft(claimed.assignment.id)
    return render.task_card(
        claimed, draft, ctx.time_zone, ctx.currency, errors, now=ctx.bank.now(), note=note
    )


async def action(ctx: BotContext, event: ActionEvent, action: WriterAction) -> None:
    """Card controls: answer a choice question, open the form, submit, skip, release, redraw,
    next, terms."""
    actor, writer = event.actor, event.actor.key
    match action:
        case NextTask(project_id=project_id):
            await offer_task(
                ctx, actor, event.place, event.message, event.context, project_id=project_id
            )
            return
        case ShowGuidelines(project_id=project_id):
            card = render.guidelines_card(await ctx.bank.project(project_id))
            await ctx.port.post_card(
                event.place, card, visibility="private", to=actor, context=event.context
            )
            return
        case AcceptTerms(project_id=project_id, wanted=wanted):
            await ctx.bank.accept_terms(project_id, writer)
            await offer_task(ctx, actor, event.place, event.message, event.context, wanted=wanted)
            return
    assignment_id = action.assignment_id
    try:
        claimed = await ctx.bank.claimed(assignment_id)
        if claimed.assignment.writer_id != writer:
            raise NotAllowed("that card belongs to another writer")
        match action:
            case Answer():
                await _choose(ctx, claimed, event, action)
            case Show():
                done = await ctx.bank.submission_for(assignment_id)
                card = (
                    render.outcome_card(claimed, done, ctx.currency, replayed=True)
                    if done is not None
                    else await _task_card(ctx, claimed)
                )
                await show(ctx, actor, event.place, card, event.message, event.context)
            case OpenForm() | EditForm():
                draft = await ctx.bank.draft(assignment_id)
                editing = isinstance(action, EditForm)
                form = render.answer_form(claimed, draft, editing=editing)
                if not form.inputs:  # a forged or stale form button: nothing to write
                    raise NotAllowed(
                        "this task has nothing to write in a form; answer it on the card"
                    )
                await ctx.port.open_form(form, context=event.context)
            case Submit(none=none):
                draft = await ctx.bank.draft(assignment_id)
                untouched = confirm_cards.untouched_none(claimed, draft)
                if untouched and none is None:
                    card = confirm_cards.confirm_none_card(claimed, untouched)
                    await show(ctx, actor, event.place, card, event.message, event.context)
                else:
                    await _submit(ctx, claimed, actor, event.place, event.message, event.context)
            case ConfirmEnd(how=how):
                if claimed.assignment.state not in (
                    AssignmentState.ACTIVE,
                    AssignmentState.EXPIRED,
                ):
                    raise NotAllowed(f"that task was already {claimed.assignment.state}")
                card = confirm_cards.confirm_end_card(claimed, how)
                await show(ctx, actor, event.place, card, event.message, event.context)
            case Skip() | Release():
                skipped = isinstance(action, Skip)
                await (ctx.bank.skip if skipped else ctx.bank.release)(assignment_id, writer)
                card = render.ended_card(claimed, "skipped" if skipped else "released")
                await show(ctx, actor, event.place, card, event.message, event.context)
    except (LeaseLost, NotAllowed) as error:
        card = render.refused_action_card(error, ctx.time_zone)
        await show(ctx, actor, event.place, card, event.message, event.context)


async def _choose(
    ctx: BotContext, claimed: ClaimedTask, event: ActionEvent, action: Answer
) -> None:
    question = _question(claimed, action.question_id)
    value = widget_for(question).read_control(
        question, claimed.task.payload, action.pick, event.values
    )
    await ctx.bank.save_draft(
        claimed.assignment.id, claimed.assignment.writer_id, {question.id: value}
    )
    await show(
        ctx, event.actor, event.place, await _task_card(ctx, claimed), event.message, event.context
    )


def _question(claimed: ClaimedTask, question_id: str) -> _Question:
    question = next((q for q in claimed.batch.questions if q.id == question_id), None)
    if question is None:
        raise NotAllowed(f"this task has no question '{question_id}'")
    return question


async def _submit(
    ctx: BotContext,
    claimed: ClaimedTask,
    actor: Actor,
    place: Place,
    message: MessageRef | None,
    context: Any,
) -> None:
    """Submit the draft from the card: the outcome, or the card again with its problems."""
    draft = await ctx.bank.draft(claimed.assignment.id)
    try:
        card = await _submitted(ctx, claimed, actor, draft)
    except ValidationFailed as failure:
        errors = {p.field: p.message for p in failure.problems}
        card = await _task_card(ctx, claimed, errors)
    await show(ctx, actor, place, card, message, context)


async def _submitted(
    ctx: BotContext, claimed: ClaimedTask, actor: Actor, draft: dict[str, Any]
) -> Card:
    """Submit (the service validates, once) and return the outcome card."""
    aid = claimed.assignment.id
    result = await ctx.bank.submit(aid, actor.key, draft, f"card:{aid}")
    if result.paused is not None:
        await quality.tell_writer_of_pause(ctx, result.paused)
    card = render.outcome_card(claimed, result.submission, ctx.currency, result.replayed)
    training = await ctx.bank.training_feedback(result.submission)
    if training is not None:
        card = replace(card, blocks=(*card.blocks, training))
    return await fair_work.saved_card_notes(ctx, card, result.submission)


async def answer_form(
    ctx: BotContext, event: FormSubmitEvent, form: AnswerForm
) -> FormErrors | None:
    """The answer form: keep what was written; complete means submit. The service's validation
    is the one check: its problems go back beside the form's fields, or onto the card when only
    card questions need fixing."""
    assignment_id = form.assignment_id
    claimed = await ctx.bank.claimed(assignment_id)
    if claimed.assignment.writer_id != event.actor.key:
        raise NotAllowed("that form belongs to another writer")
    done = await ctx.bank.submission_for(assignment_id)
    if done is not None:
        # The same form sent again (a retry, a double submit): show what was saved, store nothing.
        card = render.outcome_card(claimed, done, ctx.currency, replayed=True)
        await show(ctx, event.actor, event.place, card, event.message, event.context)
        return None
    draft, refused = await _save_form(ctx, event, claimed)
    if draft is None:
        return refused
    try:
        card = await _submitted(ctx, claimed, event.actor, draft)
    except LeaseLost as lost:
        card = render.refused_action_card(lost, ctx.time_zone)
    except ValidationFailed as failure:
        return await _form_refused(ctx, event, claimed, failure, draft)
    await show(ctx, event.actor, event.place, card, event.message, event.context)
    return None


async def _save_form(
    ctx: BotContext, event: FormSubmitEvent, claimed: ClaimedTask, *, editing: bool = False
) -> tuple[dict[str, Any] | None, FormErrors | None]:
    """The form's answers merged into the saved draft and kept: (the draft, None); or, refused
    (a pick never offered, text a draft cannot hold), nothing kept and (None, the form's errors
    or None when the card shows them)."""
    stored = await ctx.bank.draft(claimed.assignment.id)
    answers: dict[str, Any] = {}
    try:
        answers = render.form_values_to_answers(claimed, event.values, stored)
        return await ctx.bank.save_draft(claimed.assignment.id, event.actor.key, answers), None
    except ValidationFailed as failure:  # the form stays open, as typed
        typed = _as_typed(stored, answers)
        return None, await _form_refused(ctx, event, claimed, failure, typed, editing=editing)


def _as_typed(saved: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """A refused form's answers to show again: what was typed, but a text too long to keep at
    all (a 20 MB paste) gives way to what was saved."""
    kept = {
        k: v for k, v in answers.items() if not (isinstance(v, str) and len(v) > MAX_TEXT_CHARS)
    }
    return {**saved, **kept}


async def _form_refused(
    ctx: BotContext,
    event: FormSubmitEvent,
    claimed: ClaimedTask,
    failure: ValidationFailed,
    typed: Mapping[str, Any],
    *,
    editing: bool = False,
) -> FormErrors | None:
    """A form's answers refused: the problems beside the form's inputs (the form kept open with
    what was typed), or on the task card when only card questions need fixing."""
    problems: dict[str, str] = {}
    for problem in failure.problems:  # a ranking's places each have their own
        said = problems.get(problem.field)
        problems[problem.field] = problem.message if said is None else f"{said}; {problem.message}"
    errors = render.form_errors_for(claimed, problems)
    if errors:
        return FormErrors(errors, render.answer_form(claimed, typed, errors, editing=editing))
    card = await _task_card(ctx, claimed, problems)
    await show(ctx, event.actor, event.place, card, event.message, event.context)
    return None


async def draft_form(ctx: BotContext, event: FormSubmitEvent, form: DraftForm) -> FormErrors | None:
    """The form opened to edit a written answer: keep the changes, submit nothing; the card
    comes back with them, and its Submit button sends the task. Answers the draft cannot keep
    go back beside the form's inputs, nothing saved."""
    claimed = await ctx.bank.claimed(form.assignment_id)
    if claimed.assignment.writer_id != event.actor.key:
        raise NotAllowed("that form belongs to another writer")
    done = await ctx.bank.submission_for(form.assignment_id)
    if done is not None:
        card = render.outcome_card(claimed, done, ctx.currency, replayed=True)
    else:
        draft, refused = await _save_form(ctx, event, claimed, editing=True)
        if draft is None:
            return refused
        card = await _task_card(ctx, claimed, note="Draft saved. Press Submit when it is ready.")
    await show(ctx, event.actor, event.place, card, event.message, event.context)
    return None
