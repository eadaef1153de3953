"""Typed ids for the controls and forms the bot posts: each id is a frozen dataclass that encodes
itself into the control's id and is parsed back from it, so no handler splits strings.

State rides in the id through one template per type, as discord.py's `DynamicItem` does: the
template is a regular expression whose named groups are the dataclass's fields, `encode()` writes
the fields back in the same shape, and every encoded id is checked against its own template and
against Discord's 100-character custom id limit (Slack allows 255), so what is posted always
parses. `parse_action` and `parse_form` turn anything else into a clear refusal.

The wire format is the one the bot has always posted, so cards sent before an upgrade keep working:

    controls  ans:<assignment>:<question>[:<pick>]   (a button's option index or scale point;
                                                       a select sends its picks as values)
              form:<a>  edit:<a>  submit:<a>[:none]  skip:<a>  release:<a>
              end:<a>:skip|release  (asks before skip:<a> or release:<a>)
              show:<a>  next[:<project>]
              terms:<project>[:<batch id or template>]  guide:<project>
              approve:<submission>  reject:<submission>  pass:<submission>  nextreview
    forms     answer:<assignment>  draft:<assignment>  reject:<submission>

Ids never contain '#': chats that page a card or form append their page after one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

from bot.arguments import quoted
from taskbank.errors import Problem, ValidationFailed

MAX_ID_LENGTH = 100  # Discord's custom_id; Slack's action_id and callback_id allow 255

_ID = r"[0-9]{1,18}"  # SQL integers: 18 digits always fit a signed 64-bit column
_QUESTION = r"[a-z][a-z0-9_]{0,39}"  # the question id pattern of taskbank.questions
_PICK = r"-?[0-9]{1,18}"
_WANTED = r"[A-Za-z0-9_.-]{1,60}"  # a batch id or a template name, as /task was given it


def not_ours(text: str) -> ValidationFailed:
    """The refusal for an id this bot did not mint."""
    return ValidationFailed([Problem("control", f"{quoted(text)} is not a control this bot made")])


class UnencodableId(ValueError):
    """A bug, not bad input: an id the bot was about to post would not parse back or is too long."""


class _Id:
    """Base of every typed id: a template (named groups = fields) and a codec over it."""

    template: ClassVar[re.Pattern[str]]
    verb: ClassVar[str]
    _registry: ClassVar[dict[str, type[_Id]]]

    def __init_subclass__(cls, *, template: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if template is None:  # a family base (Action, FormId) starts its own registry
            cls._registry = {}
            return
        cls.template = re.compile(template, re.ASCII)
        cls.verb = re.split(r"[:(]", template, maxsplit=1)[0]
        if cls.verb in cls._registry:
            raise TypeError(f"two ids start with '{cls.verb}'")
        cls._registry[cls.verb] = cls

    def _parts(self) -> list[str]:
        parts = []
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if value is not None:
                parts.append(str(value))
        return parts

    def encode(self) -> str:
        """The id as posted in a control or form; checked to parse back and to fit any chat."""
        text = ":".join([self.verb, *self._parts()])
        if len(text) > MAX_ID_LENGTH:
            raise UnencodableId(f"{text[:60]}… is {len(text)} characters; at most {MAX_ID_LENGTH}")
        if self.template.fullmatch(text) is None:
            raise UnencodableId(f"{text!r} does not match {self.template.pattern!r}")
        return text

    @classmethod
    def parse(cls, text: str) -> Self:
        """This type's id from a control or form id, or a refusal."""
        match = cls.template.fullmatch(text) if len(text) <= MAX_ID_LENGTH else None
        if match is None:
            raise not_ours(text)
        values: dict[str, Any] = {}
        for item in fields(cls):  # type: ignore[arg-type]
            raw = match.group(item.name)
            numeric = str(item.type).startswith("int")  # the annotation, as a string
            values[item.name] = int(raw) if numeric and raw is not None else raw
        return cls(**values)

    @classmethod
    def _parse_family(cls, text: str) -> Any:
        if not isinstance(text, str):
            raise not_ours(repr(text))
        kind = cls._registry.get(text.split(":", 1)[0])
        if kind is None:
            raise not_ours(text)
        return kind.parse(text)


class Action(_Id):
    """An id on a card control (button or select)."""


class FormId(_Id):
    """An id on a form: what submitting it does."""


@dataclass(frozen=True)
class Answer(
    Action,
    template=rf"ans:(?P<assignment_id>{_ID}):(?P<question_id>{_QUESTION})(?::(?P<pick>{_PICK}))?",
):
    """Answer a card question: a button carries its pick; a select sends its picks as values."""

    assignment_id: int
    question_id: str
    pick: int | None = None


@dataclass(frozen=True)
class OpenForm(Action, template=rf"form:(?P<assignment_id>{_ID})"):
    """Open the answer form of a task."""

    assignment_id: int


@dataclass(frozen=True)
class EditForm(Action, template=rf"edit:(?P<assignment_id>{_ID})"):
    """Open the answer form to edit a written answer: sending it saves, never submits."""

    assignment_id: int


@dataclass(frozen=True)
class Submit(Action, template=rf"submit:(?P<assignment_id>{_ID})(?::(?P<none>none))?"):
    """Submit the draft of a task; `none` says the writer chose "none" for the label questions
    where none is a fine answer and left untouched (else the card asks first)."""

    assignment_id: int
    none: str | None = None


@dataclass(frozen=True)
class Skip(Action, template=rf"skip:(?P<assignment_id>{_ID})"):
    """Skip a task: never offered to this writer again."""

    assignment_id: int


@dataclass(frozen=True)
class Release(Action, template=rf"release:(?P<assignment_id>{_ID})"):
    """Give a task back to the pool."""

    assignment_id: int


@dataclass(frozen=True)
class ConfirmEnd(Action, template=rf"end:(?P<assignment_id>{_ID}):(?P<how>skip|release)"):
    """Ask before skipping or releasing a task: what it means, then yes or back."""

    assignment_id: int
    how: str


@dataclass(frozen=True)
class Show(Action, template=rf"show:(?P<assignment_id>{_ID})"):
    """Draw a task's card again (chats that page a card use it for their page buttons)."""

    assignment_id: int


@dataclass(frozen=True)
class NextTask(Action, template=rf"next(?::(?P<project_id>{_ID}))?"):
    """Claim the next task; from the same project when the card names one."""

    project_id: int | None = None


@dataclass(frozen=True)
class AcceptTerms(Action, template=rf"terms:(?P<project_id>{_ID})(?::(?P<wanted>{_WANTED}))?"):
    """Accept a project's terms; `wanted` is the batch id or template `/task` asked for."""

    project_id: int
    wanted: str | None = None


@dataclass(frozen=True)
class ShowGuidelines(Action, template=rf"guide:(?P<project_id>{_ID})"):
    """Show a project's guidelines to whoever asks (writers and reviewers)."""

    project_id: int


@dataclass(frozen=True)
class Approve(Action, template=rf"approve:(?P<submission_id>{_ID})"):
    """Approve a submission."""

    submission_id: int


@dataclass(frozen=True)
class Reject(Action, template=rf"reject:(?P<submission_id>{_ID})"):
    """Reject a submission: opens the form asking why."""

    submission_id: int


@dataclass(frozen=True)
class PassReview(Action, template=rf"pass:(?P<submission_id>{_ID})"):
    """Pass on a submission: it is not offered to this reviewer again."""

    submission_id: int


@dataclass(frozen=True)
class NextReview(Action, template=r"nextreview"):
    """The next submission waiting for this reviewer."""


@dataclass(frozen=True)
class AnswerForm(FormId, template=rf"answer:(?P<assignment_id>{_ID})"):
    """The answer form of a task (its text, rewrite and ranking questions)."""

    assignment_id: int


@dataclass(frozen=True)
class DraftForm(FormId, template=rf"draft:(?P<assignment_id>{_ID})"):
    """The answer form opened again to edit: sending it saves the draft, never submits."""

    assignment_id: int


@dataclass(frozen=True)
class RejectForm(FormId, template=rf"reject:(?P<submission_id>{_ID})"):
    """The reason for rejecting a submission."""

    submission_id: int


WriterAction = (
    Answer
    | OpenForm
    | EditForm
    | Submit
    | Skip
    | Release
    | ConfirmEnd
    | Show
    | NextTask
    | AcceptTerms
    | ShowGuidelines
)
ReviewAction = Approve | Reject | PassReview | NextReview
ControlAction = WriterAction | ReviewAction
FormAction = AnswerForm | DraftForm | RejectForm


def parse_action(text: str) -> ControlAction:
    """The typed value of a control id, or ValidationFailed: 'not a control this bot made'."""
    return Action._parse_family(text)


def parse_form(text: str) -> FormAction:
    """The typed value of a form id, or ValidationFailed: 'not a control this bot made'."""
    return FormId._parse_family(text)
