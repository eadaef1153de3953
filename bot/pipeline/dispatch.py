"""The last step: each event to its handler, by command name, action id or form id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot import commands
from bot.actions import (
    AcceptTerms,
    Answer,
    AnswerForm,
    Approve,
    ConfirmEnd,
    DraftForm,
    EditForm,
    NextReview,
    NextTask,
    OpenForm,
    PassReview,
    Reject,
    RejectForm,
    Release,
    Show,
    ShowGuidelines,
    Skip,
    Submit,
    parse_action,
    parse_form,
)
from bot.events import ActionEvent, CommandEvent, FormSubmitEvent, HomeEvent, ReactionEvent
from bot.handlers import (
    appeals,
    bonus,
    coordinator,
    credit,
    fair_work,
    home,
    quality,
    reviewer,
    work,
    writer,
)
from bot.pipeline import chain
from bot.pipeline.chain import Delivery, Next

# The handler of each command declared in bot/commands.py (a test checks they match).
HANDLERS: dict[str, Callable[[Any, CommandEvent], Awaitable[None]]] = {
    "task": writer.task_command,
    "earnings": fair_work.earnings_command,
    "review": reviewer.review_command,
    "batch": coordinator.batch_command,
    "tally": coordinator.tally_command,
    "reinstate": quality.reinstate_command,
    "work": work.work_command,
    "appeal": appeals.appeal_command,
    "bonus": bonus.bonus_command,
    "credit": credit.credit_command,
}


async def dispatch(delivery: Delivery, next: Next) -> chain.Answer:
    """Run the event's handler; an unknown command is told the commands there are."""
    ctx, event = delivery.ctx, delivery.event
    if isinstance(event, CommandEvent):
        handler = HANDLERS.get(event.name)
        if handler is None:
            text = f"Unknown command /{event.name}. Commands: {commands.help_text()}"
            await delivery.tell("That didn't work", text)
            return None
        await handler(ctx, event)
    elif isinstance(event, ActionEvent):
        match action := parse_action(event.action_id):
            case Approve() | Reject() | PassReview() | NextReview():
                await reviewer.action(ctx, event, action)
            case (
                Answer()
                | OpenForm()
                | EditForm()
                | Submit()
                | Skip()
                | Release()
                | ConfirmEnd()
                | Show()
                | NextTask()
                | AcceptTerms()
                | ShowGuidelines()
            ):
                await writer.action(ctx, event, action)
            case work.ClaimFrom():
                await work.claim_from(ctx, event, action)
    elif isinstance(event, FormSubmitEvent):
        match form := parse_form(event.form_id):
            case RejectForm():
                return await reviewer.reject_form(ctx, event, form)
            case AnswerForm():
                return await writer.answer_form(ctx, event, form)
            case DraftForm():
                return await writer.draft_form(ctx, event, form)
    elif isinstance(event, ReactionEvent):
        await reviewer.reaction(ctx, event)
    elif isinstance(event, HomeEvent):
        await home.show_home(ctx, event)
    return None
