"""The dispatcher: one entry point that routes every neutral event to its handler.

Core errors become friendly private messages here, so each handler can let them rise.
"""

from __future__ import annotations

from bot import render
from bot.actions import (
    AcceptTerms,
    Answer,
    AnswerForm,
    Approve,
    ConfirmEnd,
    DraftForm,
    EditForm,
    NextTask,
    OpenForm,
    Reject,
    RejectForm,
    Release,
    Show,
    Skip,
    Submit,
    parse_action,
    parse_form,
)
from bot.events import ActionEvent, CommandEvent, Event, FormSubmitEvent, ReactionEvent
from bot.handlers import appeals, bonus, coordinator, reviewer, work, writer
from bot.handlers.context import BotContext
from bot.ui import FormErrors
from taskbank.errors import NotAllowed, NotFound, TaskbankError, ValidationFailed

COMMANDS = {
    "task": writer.task_command,
    "earnings": writer.earnings_command,
    "review": reviewer.review_command,
    "batch": coordinator.batch_command,
    "tally": coordinator.tally_command,
    "appeal": appeals.appeal_command,
    "bonus": bonus.bonus_command,
    "work": work.work_command,
}
COMMAND_HELP = "/work · /task [batch|template] · /earnings [day|week|month] · /review · /batch … · /tally [day|week|month] · /appeal … · /bonus …"


class Taskbot:
    """Routes events; turns refusals and bad input into messages for the person who caused them."""

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    async def handle(self, event: Event) -> FormErrors | None:
        """Handle one event; a form submit may answer with per-field errors."""
        try:
            if isinstance(event, CommandEvent):
                handler = COMMANDS.get(event.name)
                if handler is None:
                    await self._tell(event, "That didn't work", _unknown_command_text(event))
                    return None
                await handler(self.ctx, event)
            elif isinstance(event, ActionEvent):
                match action := parse_action(event.action_id):
                    case Approve() | Reject():
                        await reviewer.action(self.ctx, event, action)
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
                    ):
                        await writer.action(self.ctx, event, action)
                    case work.ClaimFrom():
                        await work.claim_from(self.ctx, event, action)
            elif isinstance(event, FormSubmitEvent):
                match form := parse_form(event.form_id):
                    case RejectForm():
                        return await reviewer.reject_form(self.ctx, event, form)
                    case AnswerForm():
                        return await writer.answer_form(self.ctx, event, form)
                    case DraftForm():
                        return await writer.draft_form(self.ctx, event, form)
            elif isinstance(event, ReactionEvent):
                await reviewer.reaction(self.ctx, event)
        except ValidationFailed as failure:
            await self._tell(event, "That didn't work", _problems_text(failure))
        except (NotAllowed, NotFound) as refusal:
            await self._tell(
                event,
                "Not allowed" if isinstance(refusal, NotAllowed) else "Not found",
                str(refusal),
            )
        except TaskbankError as error:
            await self._tell(event, "That didn't work", str(error))
        return None

    async def _tell(self, event: Event, title: str, text: str) -> None:
        card = render.notice_card(title, text[:1].upper() + text[1:], "warning")
        if isinstance(event, ReactionEvent):
            await self.ctx.port.send_direct(event.actor, card)
        else:
            await self.ctx.reply(event, card)


def _unknown_command_text(event: CommandEvent) -> str:
    return f"Unknown command /{event.name}. Commands: {COMMAND_HELP}"


def _problems_text(failure: ValidationFailed) -> str:
    return "\n".join(p.message if p.field == "usage" else str(p) for p in failure.problems[:20])
