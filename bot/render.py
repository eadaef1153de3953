"""Rendering: any task of any question kind as a neutral card or form, and the other cards.

Each question is drawn by its kind's widget (bot/widgets); every control and form carries a typed
id from bot/actions.py, encoded into the short string the chat posts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.actions import (
    AcceptTerms,
    AnswerForm,
    ConfirmEnd,
    DraftForm,
    EditForm,
    NextTask,
    OpenForm,
    Show,
    ShowGuidelines,
    Submit,
)
from bot.text import time_mark
from bot.ui import Button, Card, ControlRow, Field, Form, FormInput
from bot.widgets import NOT_SENT, widget_for
from bot.widgets.base import shorten
from taskbank.errors import LeaseLost
from taskbank.models import Batch, ClaimedTask, Project, Submission, Tally, Task
from taskbank.money import format_cents
from taskbank.questions import _Question
from taskbank.templates import BUILTIN_TEMPLATES


def local_time(moment: datetime, zone: str) -> str:
    """A time as each reader sees it in their own zone (chats draw the mark with their time
    tokens); `zone`, the bot's, is the fallback where a chat has none."""
    return time_mark(moment, moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M %Z"))


def period_span(start: datetime, end: datetime, zone: str) -> str:
    """A tally period's bounds. Periods are days, weeks and months of the bot's zone; drawn in
    each reader's zone, a writer far from it sees when "this week" starts and ends for them."""
    return f"{local_time(start, zone)} until {local_time(end, zone)}"


def refusal_text(refusal: Exception, zone: str) -> str:
    """A refusal in words; a late answer's says when the lease ran out in the reader's zone."""
    if isinstance(refusal, LeaseLost):
        return refusal.worded(lambda moment: local_time(moment, zone))
    return str(refusal)


def refused_action_card(refusal: Exception, zone: str) -> Card:
    """A writer's action refused (a lapsed lease, a task no longer theirs), told as a sentence
    with a button to the next task."""
    why = refusal_text(refusal, zone)
    return notice_card(
        "Can't do that", why[:1].upper() + why[1:] + ".", "warning", next_button=True
    )


def on_card(question: _Question) -> bool:
    """Whether a question is answered with card controls (else in the form)."""
    return widget_for(question).on_card


def payload_order(batch: Batch, payload: Mapping[str, Any]) -> list[str]:
    """The payload's field names in reading order: the template's own order (the setup before
    the endings, the excerpt before the question), then any other fields as the file gave them."""
    template = BUILTIN_TEMPLATES.get(batch.template)
    known = [name for name in (template.payload_fields if template else ()) if name in payload]
    return known + [name for name in payload if name not in known]


def payload_blocks(batch: Batch, task: Task) -> list[str]:
    """The task's material in reading order: each text field labelled, option lists numbered."""
    option_fields = {getattr(q, "options_from", None) for q in batch.questions}
    blocks = []
    for name in payload_order(batch, task.payload):
        value = task.payload[name]
        title = name.replace("_", " ").capitalize()
        if isinstance(value, list):
            numbered = "\n".join(f"{i}. {item}" for i, item in enumerate(value, 1))
            blocks.append(f"{title}:\n{numbered}")
        elif name not in option_fields:
            blocks.append(f"{title}:\n{value}")
    return blocks


def answer_text(question: _Question, value: Any) -> str:
    """An answer as one line of text."""
    return widget_for(question).answer_text(question, value)


def task_card(
    claimed: ClaimedTask,
    draft: Mapping[str, Any],
    zone: str,
    currency: str,
    errors: Mapping[str, str] | None = None,
    now: datetime | None = None,
    note: str | None = None,
) -> Card:
    """A claimed task: instructions, material, pay, deadline, a control row per card question
    (its widget draws it), and the form, submit, skip and release buttons.

    On a batch stopped since the claim (paused, closed, or past its deadline at `now`) it says
    the lease may still be finished."""
    batch, task, assignment = claimed.batch, claimed.task, claimed.assignment
    aid = assignment.id
    rows = []
    for question in batch.questions:
        widget = widget_for(question)
        if widget.on_card:
            error = (errors or {}).get(question.id)
            rows.append(widget.card_row(aid, question, task.payload, draft.get(question.id), error))
    form_questions = [q for q in batch.questions if not on_card(q)]
    actions: list[Button] = []
    if form_questions:
        if form_written(claimed, draft):
            actions.append(Button(EditForm(aid).encode(), "Edit your answer…"))
        else:
            actions.append(Button(OpenForm(aid).encode(), "Write your answer…", "primary"))
    actions += [
        Button(Submit(aid).encode(), "Submit", "primary"),
        Button(ConfirmEnd(aid, "skip").encode(), "Skip…"),
        Button(ConfirmEnd(aid, "release").encode(), "Release…"),
        *guidelines_buttons(claimed.project),
    ]
    rows.append(ControlRow(tuple(actions)))
    form_errors = [
        f"{q.prompt}: {errors[q.id]}" for q in form_questions if errors and q.id in errors
    ]
    blocks = [batch.instructions, *payload_blocks(batch, task)]
    stopped = stopped_batch_note(claimed, zone, now)
    if stopped:
        blocks.insert(0, stopped)
    if form_errors:
        blocks.append("To fix:\n" + "\n".join(form_errors))
    if note:
        blocks.append(note)
    return Card(
        title=batch.title,
        blocks=tuple(blocks),
        fields=(
            Field("Pay", format_cents(batch.pay_cents, currency)),
            Field("Lease until", local_time(assignment.lease_expires_at, zone)),
            Field("Task", f"{task.external_id} · batch {batch.name}"),
        ),
        rows=tuple(rows),
        footer=f"Project: {claimed.project.name} · {END_HINT}",
        tone="warning" if errors or stopped else "info",
        refresh=Show(aid).encode(),
    )


END_HINT = "Skip: the task is not for you. Release: you can't finish it now. Both ask first."


def stopped_batch_note(claimed: ClaimedTask, zone: str, now: datetime | None) -> str | None:
    """What a writer may still do with a task whose batch stopped or whose lease ran out."""
    batch = claimed.batch
    if batch.state == "paused":
        why = "This batch was paused by the coordinator"
    elif batch.state == "closed":
        why = "This batch was closed by the coordinator"
    elif batch.deadline is not None and now is not None and batch.deadline <= now:
        why = "This batch's deadline has passed"
    elif now is not None and claimed.assignment.lease_expires_at <= now:
        ran_out = local_time(claimed.assignment.lease_expires_at, zone)
        return (
            f"Your lease ran out at {ran_out}. If nobody has taken the slot, your answer is"
            " still accepted: finish and submit it."
        )
    else:
        return None
    until = local_time(claimed.assignment.lease_expires_at, zone)
    return f"{why}: no new tasks, but you may finish this one until {until}."


def form_written(claimed: ClaimedTask, draft: Mapping[str, Any]) -> bool:
    """Whether the draft holds the form's answers (something, and every required one): the form
    then opens to edit them."""
    asked = [q for q in claimed.batch.questions if not on_card(q)]
    return any(q.id in draft for q in asked) and all(q.id in draft for q in asked if q.required)


def answer_form(
    claimed: ClaimedTask,
    draft: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    *,
    editing: bool = False,
) -> Form:
    """The form for a task's form questions (text, rewrite, ranking), pre-filled from the draft;
    `errors` are by form input id (see `form_errors_for`).

    The first writing submits the task when it is complete; `editing` a written answer opens a
    form that only saves the draft, so submitting stays the card's Submit button."""
    inputs: list[FormInput] = []
    payload = claimed.task.payload
    for question in claimed.batch.questions:
        widget = widget_for(question)
        if widget.on_card:
            continue
        error = (errors or {}).get(widget.error_input(question) or question.id)
        inputs += widget.form_inputs(question, payload, draft.get(question.id), error)
    aid = claimed.assignment.id
    return Form(
        (DraftForm(aid) if editing else AnswerForm(aid)).encode(),
        shorten(claimed.batch.title, 45),
        tuple(inputs),
        "Save draft" if editing else "Submit",
        intro="Saving keeps your changes; press Submit on the task card to send them."
        if editing
        else None,
        reopen=(EditForm(aid) if editing else OpenForm(aid)).encode(),
    )


def form_values_to_answers(
    claimed: ClaimedTask, values: Mapping[str, Any], draft: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Turn a submitted answer form back into answers by question id.

    Only the questions the form carried are answered: a chat that shows a long form a page at a
    time sends one page's inputs, and the others' saved answers stay as they are. A ranking whose
    places span pages keeps the `draft`'s places that this page did not carry.
    """
    answers: dict[str, Any] = {}
    payload = claimed.task.payload
    for question in claimed.batch.questions:
        widget = widget_for(question)
        if widget.on_card:
            continue
        saved = (draft or {}).get(question.id)
        value = widget.read_form(question, payload, values, saved)
        if value is not NOT_SENT:
            answers[question.id] = value
    return answers


def form_errors_for(claimed: ClaimedTask, problems: Mapping[str, str]) -> dict[str, str]:
    """Problems by question id as errors by form input id (a ranking's on its first place)."""
    errors = {}
    for question in claimed.batch.questions:
        key = widget_for(question).error_input(question)
        if question.id in problems and key is not None:
            errors[key] = problems[question.id]
    return errors


def outcome_card(
    claimed: ClaimedTask, submission: Submission, currency: str, replayed: bool = False
) -> Card:
    """The card after a submit: what was saved, what it pays, and a way on."""
    pay = format_cents(claimed.batch.pay_cents, currency)
    lines = [
        f"{q.prompt}: {answer_text(q, submission.answers.get(q.id))}"
        for q in claimed.batch.questions
    ]
    note = " (already saved earlier)" if replayed else ""
    return Card(
        title=f"Saved — pending review, {pay}{note}",
        blocks=("\n".join(lines),),
        fields=(
            Field("Task", claimed.task.external_id),
            Field("Time on task", _duration(submission.seconds_on_task)),
        ),
        rows=(ControlRow((next_button(claimed),)),),
        tone="success",
    )


def next_button(claimed: ClaimedTask) -> Button:
    """ "Next task", from the same project as the task just done."""
    return Button(NextTask(claimed.project.id).encode(), "Next task", "primary")


def ended_card(claimed: ClaimedTask, verb: str) -> Card:
    """The card after a skip or release."""
    return Card(
        title=f"{verb.capitalize()}: {claimed.task.external_id}",
        blocks=("It goes back to the pool for other writers; you won't be offered it again.",),
        rows=(ControlRow((next_button(claimed),)),),
    )


def project_done_card(project: str, reason: str) -> Card:
    """No task left in the project just worked on: say so, and offer the other projects."""
    return Card(
        title=f"Nothing more in {project}",
        blocks=(reason[:1].upper() + reason[1:] + ".",),
        rows=(ControlRow((Button(NextTask().encode(), "Tasks from other projects", "primary"),)),),
    )


def notice_card(title: str, text: str = "", tone: str = "info", next_button: bool = False) -> Card:
    """A plain message."""
    rows = (
        (ControlRow((Button(NextTask().encode(), "Next task", "primary"),)),) if next_button else ()
    )
    return Card(title=title, blocks=(text,) if text else (), rows=rows, tone=tone)  # type: ignore[arg-type]


def guidelines_buttons(project: Project) -> tuple[Button, ...]:
    """The button that shows a project's guidelines, when it has any."""
    if not project.guidelines.strip():
        return ()
    return (Button(ShowGuidelines(project.id).encode(), "Guidelines"),)


def guidelines_card(project: Project) -> Card:
    """A project's guidelines, whole (chats split long text over several blocks)."""
    text = project.guidelines.strip() or "This project has no guidelines."
    return Card(title=f"Guidelines of {project.name}", blocks=(text,))


def terms_card(project: Project, wanted: str | None = None) -> Card:
    """A project's terms with the button that accepts them; `wanted` (the batch id or template
    `/task` asked for) rides in the button, so the task that follows is from it."""
    action = AcceptTerms(project.id, wanted or None).encode()
    return Card(
        title=f"Terms of {project.name}",
        blocks=(project.terms or "", "Accept once to start on this project's tasks."),
        rows=(ControlRow((Button(action, "I accept", "primary"), *guidelines_buttons(project))),),
    )


def tally_card(
    tally: Tally,
    title: str,
    currency: str,
    names: Mapping[str, str] | None = None,
    *,
    zone: str,
) -> Card:
    """A tally as a card: a line per writer, then the totals.

    No hourly figure here: cash paid in a period over that period's answers' time is no rate at
    all (pending pay and unpaid time fall out; work paid a week late shows $0/h). Every caller
    adds the honest rates from the fair-pay module (bot/handlers/fair_work.py: `tally_notes`,
    `earnings_notes`), counted by the period the work was done in."""
    lines = []
    for line in [*tally.lines, tally.totals]:
        name = (names or {}).get(line.writer_id, line.writer_id)
        lines.append(
            f"{name}: {line.submitted} submitted, {line.approved} approved, {line.rejected} rejected,"
            f" {line.pending} pending · paid {format_cents(line.total_cents, currency)}"
            f" (+{format_cents(line.pending_cents, currency)} pending) · {_duration(line.seconds_on_task)}"
        )
    span = period_span(tally.period_start, tally.period_end, zone)
    return Card(
        title=title,
        blocks=("\n".join(lines) if tally.lines else "No work in this period.",),
        fields=(Field("Period", span),),
    )


def _duration(seconds: int) -> str:
    # Every second stays (1h00m59s, not 1h00m): cut off per line, lines stop adding up to totals.
    hours, rest = divmod(int(seconds), 3600)
    minutes, left = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{left:02d}s" if hours else f"{minutes}m{left:02d}s"


def duration_text(seconds: int) -> str:
    """Time on task as every tally shows it, in chat and in the terminal."""
    return _duration(seconds)


def writer_summary(batches: Sequence[Batch]) -> str:
    """Open batches in a line each."""
    return "\n".join(f"{b.id}: {b.name} ({b.template}, {b.state.value})" for b in batches)
