"""The core's refusals (bad input, not allowed, not found), and a chat's refusal to let Taskbot post
in a channel, as a private note to the person."""

from __future__ import annotations

from bot import render
from bot.pipeline.chain import Answer, Delivery, Next
from bot.port import PlaceRefused
from taskbank.errors import LeaseLost, NotAllowed, NotFound, TaskbankError, ValidationFailed

PROBLEMS_SHOWN = 20


async def refusals(delivery: Delivery, next: Next) -> Answer:
    """Let handlers raise the core's errors; each becomes words for whoever caused it."""
    try:
        return await next()
    except ValidationFailed as failure:
        await delivery.tell("That didn't work", problems_text(failure))
    except NotAllowed as refusal:
        await delivery.tell("Not allowed", str(refusal))
    except LeaseLost as lost:
        await delivery.tell("That didn't work", render.refusal_text(lost, delivery.ctx.time_zone))
    except NotFound as missing:
        await delivery.tell("Not found", str(missing))
    except TaskbankError as error:
        await delivery.tell("That didn't work", str(error))
    except PlaceRefused as refused:
        await delivery.tell("Taskbot cannot post there", str(refused))
    return None


def problems_text(failure: ValidationFailed) -> str:
    """One line per problem (a usage problem says only its message)."""
    return "\n".join(
        p.message if p.field == "usage" else str(p) for p in failure.problems[:PROBLEMS_SHOWN]
    )
