"""The inbound pipeline: every event a chat delivers passes the same small steps to its handler.

Modelled on bolt-python's middleware: a step gets the delivery and `next`, does one thing, and
passes on (or answers and stops). Outermost first:

- `apologise` (apologise.py): an unexpected failure is logged and the person told, once;
- the adapter's own steps (`Taskbot.use`): platform errors mapped to a note (Slack refused…);
- `refusals` (refusals.py): the core's refusals (bad input, not allowed) become a private note;
- `once_per_delivery` (once.py): what the platform delivers again (a retry, a replayed gateway
  event) is handled once, by the delivery key the adapter put on the event, and answered
  `REPEAT`; a delivery whose handling raised is released, so its retry is handled;
- `requires_role` (roles.py): a command is run only by the role bot/commands.py declares;
- `dispatch` (dispatch.py): the event reaches its handler.
"""

from bot.pipeline.chain import REPEAT, Answer, Delivery, Next, Pipeline, Repeat, Step

__all__ = ["REPEAT", "Answer", "Delivery", "Next", "Pipeline", "Repeat", "Step"]
