"""Rendering: any task of any question kind as a neutral card or form, and the other cards.

Ids: `ans:<assignment>:<question>[:<option index>]`, `form:<assignment>`, `submit:<assignment>`,
`skip:<assignment>`, `release:<assignment>`, `show:<assignment>` (draw the card again), `next`,
`terms:<project>[:<batch id or template>]`, `approve:<submission>`, `reject:<submission>`.
Forms: `answer:<assignment>`, `reject:<submission>`. Short enough for Discord's 100-character
custom ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.ui import Button, Card, Choice, ControlRow, Field, Form, FormInput, Select
from taskbank.models import Batch, ClaimedTask, Submission, Tally, Task
from taskbank.money import format_cents
from taskbank.questions import (
    LabelQuestion,
    LabelsQuestion,
    RankingQuestion,
    RatingQuestion,
    RewriteQuestion,
    TextQuestion,
    _Question,
)

BUTTON_LIMIT = 5
CARD_QUESTION_KINDS = ("label", "labels", "rating")
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th")


def local_time(moment: datetime, zone: str) -> str:
    """A time as people read it, in their zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M %Z")


def on_card(question: _Question) -> bool:
    """Whether a question is answered with card controls (else in the form)."""
    return question.kind in CARD_QUESTION_KINDS


def payload_blocks(batch: Batch, task: Task) -> list[str]:
    """The task's material: each text field labelled, option lists numbered."""
    option_fields = {getattr(q, "options_from", None) for q in batch.questions}
    blocks = []
    for name, value in task.payload.items():
        title = name.replace("_", " ").capitalize()
        if isinstance(value, list):
            numbered = "\n".join(f"{i}. {item}" for i, item in enumerate(value, 1))
            blocks.append(f"{title}:\n{numbered}")
        elif name not in option_fields:
            blocks.append(f"{title}:\n{value}")
    return blocks


def answer_text(question: _Question, value: Any) -> str:
    """An answer as one line of text."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return " > ".join(value) if question.kind == "ranking" else ", ".join(value)
    return str(value)


def task_card(
    claimed: ClaimedTask,
    draft: Mapping[str, Any],
    zone: str,
    currency: str,
    errors: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> Card:
    """A claimed task: instructions, material, pay, deadline, a control row per choice question.

    On a batch stopped since the claim (paused, closed, or past its deadline at `now`) it says
    the lease may still be finished."""
    batch, task, assignment = claimed.batch, claimed.task, claimed.assignment
    aid = assignment.id
    rows = []
    for question in batch.questions:
        if on_card(question):
            rows.append(_question_row(aid, question, task.payload, draft.get(question.id), errors))
    form_questions = [q for q in batch.questions if not on_card(q)]
    actions: list[Button] = []
    if form_questions:
        written = all(q.id in draft for q in form_questions if q.required)
        label = "Edit your answer…" if written else "Write your answer…"
        actions.append(Button(f"form:{aid}", label, "primary" if not written else "default"))
    actions += [
        Button(f"submit:{aid}", "Submit", "primary"),
        Button(f"skip:{aid}", "Skip"),
        Button(f"release:{aid}", "Release"),
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
    return Card(
        title=batch.title,
        blocks=tuple(blocks),
        fields=(
            Field("Pay", format_cents(batch.pay_cents, currency)),
            Field("Lease until", local_time(assignment.lease_expires_at, zone)),
            Field("Task", f"{task.external_id} · batch {batch.name}"),
        ),
        rows=tuple(rows),
        footer=f"Project: {claimed.project.name}",
        tone="warning" if errors or stopped else "info",
        refresh=f"show:{aid}",
    )


def stopped_batch_note(claimed: ClaimedTask, zone: str, now: datetime | None) -> str | None:
    """What a writer holding a lease on a batch that no longer hands out tasks may still do."""
    batch = claimed.batch
    if batch.state == "paused":
        why = "This batch was paused by the coordinator"
    elif batch.state == "closed":
        why = "This batch was closed by the coordinator"
    elif batch.deadline is not None and now is not None and batch.deadline <= now:
        why = "This batch's deadline has passed"
    else:
        return None
    until = local_time(claimed.assignment.lease_expires_at, zone)
    return f"{why}: no new tasks, but you may finish this one until {until}."


def _question_row(
    aid: int,
    question: _Question,
    payload: Mapping[str, Any],
    chosen: Any,
    errors: Mapping[str, str] | None,
) -> ControlRow:
    caption = f"{question.prompt}: {answer_text(question, chosen)}"
    if errors and question.id in errors:
        caption += f"  ⚠ {errors[question.id]}"
    prefix = f"ans:{aid}:{question.id}"
    if isinstance(question, RatingQuestion):
        points = range(question.scale_min, question.scale_max + 1)
        caption = f"{caption}  ({question.scale_min} = {question.min_label}, {question.scale_max} = {question.max_label})"
        if len(points) <= BUTTON_LIMIT:
            return ControlRow(
                tuple(Button(f"{prefix}:{p}", str(p), chosen=chosen == p) for p in points), caption
            )
        choices = tuple(Choice(str(p), str(p)) for p in points)
        picked = () if chosen is None else (str(chosen),)
        return ControlRow(
            (Select(prefix, "Pick a rating", choices, chosen=picked, max_values=1),), caption
        )
    assert isinstance(question, LabelQuestion | LabelsQuestion)
    options = question.resolve_options(payload)
    if isinstance(question, LabelQuestion) and len(options) <= BUTTON_LIMIT:
        return ControlRow(
            tuple(
                Button(f"{prefix}:{i}", option, chosen=chosen == option)
                for i, option in enumerate(options)
            ),
            caption,
        )
    choices = tuple(Choice(option, str(i)) for i, option in enumerate(options))
    if isinstance(question, LabelsQuestion):
        picked = tuple(str(options.index(v)) for v in (chosen or []) if v in options)
        return ControlRow(
            (
                Select(
                    prefix,
                    "Pick labels",
                    choices,
                    multi=True,
                    chosen=picked,
                    min_values=question.min_count,
                    max_values=question.max_count or len(options),
                ),
            ),
            caption,
        )
    picked = (str(options.index(chosen)),) if chosen in options else ()
    return ControlRow((Select(prefix, "Pick one", choices, chosen=picked, max_values=1),), caption)


def answer_form(
    claimed: ClaimedTask, draft: Mapping[str, Any], errors: Mapping[str, str] | None = None
) -> Form:
    """The form for a task's text, rewrite and ranking questions, pre-filled from the draft."""
    inputs: list[FormInput] = []
    payload = claimed.task.payload
    for question in claimed.batch.questions:
        if on_card(question):
            continue
        error = (errors or {}).get(question.id)
        if isinstance(question, RankingQuestion):
            options = question.resolve_options(payload)
            current = draft.get(question.id) or []
            choices = tuple(Choice(_short(o), str(i)) for i, o in enumerate(options))
            for place in range(len(options)):
                value = (
                    str(options.index(current[place]))
                    if place < len(current) and current[place] in options
                    else None
                )
                inputs.append(
                    FormInput(
                        f"{question.id}.{place + 1}",
                        f"{question.prompt}: {ORDINALS[place] if place < 10 else place + 1}",
                        "select",
                        value,
                        choices,
                        error=error if place == 0 else None,
                    )
                )
            continue
        assert isinstance(question, TextQuestion | RewriteQuestion)
        hint = _length_hint(question)
        if isinstance(question, RewriteQuestion):
            hint = f"Original: {payload.get(question.original_from, '')}" + (
                f" · {hint}" if hint else ""
            )
        inputs.append(
            FormInput(
                question.id,
                question.prompt,
                "long",
                draft.get(question.id),
                required=question.required and question.required_if_answered is None,
                hint=hint,
                min_length=question.min_chars,
                max_length=question.max_chars,
                error=error,
            )
        )
    aid = claimed.assignment.id
    return Form(
        f"answer:{aid}",
        _short(claimed.batch.title, 45),
        tuple(inputs),
        "Save",
        reopen=f"form:{aid}",
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
        if on_card(question):
            continue
        if isinstance(question, RankingQuestion):
            options = question.resolve_options(payload)
            keys = [f"{question.id}.{place}" for place in range(1, len(options) + 1)]
            if not any(key in values for key in keys):
                continue
            saved = list((draft or {}).get(question.id) or [])
            slots: list[str | None] = [*saved[: len(keys)], *[None] * (len(keys) - len(saved))]
            for place, key in enumerate(keys):
                if key not in values:
                    continue
                raw = values[key]
                raw = raw[0] if isinstance(raw, tuple | list) and raw else raw
                # ASCII digits only, and few: "²".isdigit() is true, and int() of it raises
                ok = isinstance(raw, str) and 0 < len(raw) <= 3 and raw.isascii() and raw.isdigit()
                ok = ok and int(raw) < len(options)
                slots[place] = options[int(raw)] if ok else None
            answers[question.id] = [option for option in slots if option is not None]
        elif question.id in values:
            raw = values[question.id]
            answers[question.id] = raw if isinstance(raw, str) else ""
    return answers


def form_errors_for(claimed: ClaimedTask, problems: Mapping[str, str]) -> dict[str, str]:
    """Problems by question id as errors by form input id (rankings on their first place)."""
    errors = {}
    for question in claimed.batch.questions:
        if question.id in problems and not on_card(question):
            key = f"{question.id}.1" if isinstance(question, RankingQuestion) else question.id
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
        rows=(ControlRow((Button("next", "Next task", "primary"),)),),
        tone="success",
    )


def ended_card(claimed: ClaimedTask, verb: str) -> Card:
    """The card after a skip or release."""
    return Card(
        title=f"{verb.capitalize()}: {claimed.task.external_id}",
        blocks=("It goes back to the pool for other writers; you won't be offered it again.",),
        rows=(ControlRow((Button("next", "Next task", "primary"),)),),
    )


def notice_card(title: str, text: str = "", tone: str = "info", next_button: bool = False) -> Card:
    """A plain message."""
    rows = (ControlRow((Button("next", "Next task", "primary"),)),) if next_button else ()
    return Card(title=title, blocks=(text,) if text else (), rows=rows, tone=tone)  # type: ignore[arg-type]


def terms_card(project_id: int, name: str, terms: str, wanted: str | None = None) -> Card:
    """A project's terms with the button that accepts them; `wanted` (the batch id or template
    `/task` asked for) rides in the button, so the task that follows is from it."""
    action = f"terms:{project_id}:{wanted}" if wanted else f"terms:{project_id}"
    return Card(
        title=f"Terms of {name}",
        blocks=(terms, "Accept once to start on this project's tasks."),
        rows=(ControlRow((Button(action, "I accept", "primary"),)),),
    )


def review_card(batch: Batch, task: Task, submission: Submission, zone: str) -> Card:
    """A submission for review: the material, the answers, approve and reject."""
    answers = "\n".join(
        f"{q.prompt}: {answer_text(q, submission.answers.get(q.id))}" for q in batch.questions
    )
    return Card(
        title=f"Review: {batch.title}",
        blocks=(*payload_blocks(batch, task), f"Answers:\n{answers}"),
        fields=(
            Field("Writer", submission.writer_id),
            Field("Submitted", local_time(submission.submitted_at, zone)),
            Field("Time on task", _duration(submission.seconds_on_task)),
            Field("Submission", str(submission.id)),
        ),
        rows=(
            ControlRow(
                (
                    Button(f"approve:{submission.id}", "Approve", "primary"),
                    Button(f"reject:{submission.id}", "Reject…", "danger"),
                )
            ),
        ),
        footer="React ✅ to approve or ❌ to reject.",
    )


def reject_form(submission_id: int, error: str | None = None) -> Form:
    """Ask a reviewer why they reject."""
    return Form(
        f"reject:{submission_id}",
        "Reason for rejecting",
        (
            FormInput(
                "reason",
                "What should the writer do differently?",
                "long",
                max_length=1000,
                error=error,
            ),
        ),
        "Reject",
        reopen=f"reject:{submission_id}",
    )


def tally_card(
    tally: Tally, title: str, currency: str, names: Mapping[str, str] | None = None
) -> Card:
    """A tally as a card: a line per writer, then the totals."""
    lines = []
    for line in [*tally.lines, tally.totals]:
        hourly = line.effective_hourly_cents
        name = (names or {}).get(line.writer_id, line.writer_id)
        lines.append(
            f"{name}: {line.submitted} submitted, {line.approved} approved, {line.rejected} rejected,"
            f" {line.pending} pending · paid {format_cents(line.total_cents, currency)}"
            f" (+{format_cents(line.pending_cents, currency)} pending) · {_duration(line.seconds_on_task)}"
            f" · {'—' if hourly is None else format_cents(hourly, currency) + '/h'}"
        )
    return Card(
        title=title, blocks=("\n".join(lines) if tally.lines else "No work in this period.",)
    )


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def _length_hint(question: TextQuestion | RewriteQuestion) -> str | None:
    parts = []
    if question.min_words or question.max_words:
        parts.append(f"{question.min_words or 0}–{question.max_words or '∞'} words")
    if question.min_chars:
        parts.append(f"at least {question.min_chars} characters")
    return ", ".join(parts) or None


def _short(text: str, limit: int = 75) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def writer_summary(batches: Sequence[Batch]) -> str:
    """Open batches in a line each."""
    return "\n".join(f"{b.id}: {b.name} ({b.template}, {b.state.value})" for b in batches)
