"""Credit a writer opts into, and the names exports use: a chosen name where a writer opted in
on the project, else a stored random pseudonym; never a chat user id.

A credited name is shown to strangers (in a dataset's contributors file), so it is checked like
any public text: 2 to 60 characters, starting with a letter or digit, letters of any script,
digits, spaces and `. , ' - & ( )` only — no control characters, no @mentions, no markup.
What counts as blank is answer text's notion (taskbank/answer_text.py): blank glyphs such as the
Hangul fillers are trimmed at the ends and refused inside, and at least 2 characters must show
(combining marks add nothing, and at most a few sit on one letter).
"""

from __future__ import annotations

import csv
import secrets
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from taskbank.answer_text import BLANK_GLYPHS, measure, trim
from taskbank.errors import Problem, ValidationFailed

if TYPE_CHECKING:
    from taskbank.service import TaskBank

NAME_MIN, NAME_MAX = 2, 60
NAME_PUNCTUATION = set(" .,'-&()")
MARKS_PER_LETTER = 4  # scripts stack a few (Thai vowel and tone); more is a smear over the line
PSEUDONYM_PREFIX = "w-"
P = TypeVar("P", bound=PurePath)
CONTRIBUTOR_COLUMNS = ("credited_as", "tasks", "hours_on_task")


def mint_pseudonym() -> str:
    """A fresh random pseudonym: 64 bits from the system's secure random source."""
    return PSEUDONYM_PREFIX + secrets.token_hex(8)


def credited_name(text: str) -> str:
    """A name as it will be credited, or ValidationFailed saying what is wrong with it."""
    name = trim(" ".join(unicodedata.normalize("NFC", text).split()))
    problem = _name_problem(name)
    if problem:
        raise ValidationFailed([Problem("name", problem)], summary="that name cannot be credited")
    return name


def _name_problem(name: str) -> str | None:
    shown = measure(name)[0]  # what a reader sees: no blank glyphs, no combining marks
    if shown < NAME_MIN or len(name) > NAME_MAX:
        got = shown if shown < NAME_MIN else len(name)
        return f"expected {NAME_MIN} to {NAME_MAX} characters, got {got}"
    if name.lower() == "off":
        return "'off' withdraws your credit; choose another name"
    if not name[0].isalnum():
        return "start with a letter or a digit"
    marks = 0  # combining marks in a row, on the letter before them
    for ch in name:
        category = unicodedata.category(ch)
        if category.startswith("C") or ch in BLANK_GLYPHS:
            return "no control or invisible characters"
        marks = marks + 1 if category == "Mn" else 0
        if marks > MARKS_PER_LETTER:
            return f"no more than {MARKS_PER_LETTER} marks on one letter"
        # Mc: the spacing vowel signs of Devanagari, Bengali, Tamil… (names need them).
        if not (ch.isalnum() or ch in NAME_PUNCTUATION or category in ("Mn", "Mc")):
            return (
                f"'{ch}' is not allowed: letters, digits, spaces and . , ' - & ( ) only "
                "(no @mentions or formatting)"
            )
    return None


@dataclass(frozen=True)
class Credit:
    """A writer's credit on one project."""

    project: str
    name: str | None  # None: not credited (opted out, or never opted in)


async def project_named(bank: TaskBank, project: str) -> tuple[int, str]:
    """A project by its name (any case): (id, name), or ValidationFailed listing the names."""
    names = await bank.store.project_names()  # type: ignore[attr-defined]
    for project_id, name in names.items():
        if name.casefold() == project.strip().casefold():
            return project_id, name
    known = ", ".join(names.values()) or "none yet"
    raise ValidationFailed(
        [Problem("project", f"no project named '{project.strip()}' (projects: {known})")]
    )


async def set_credit(bank: TaskBank, writer_id: str, project: str, name: str) -> Credit:
    """Opt in (or change the name); `name` 'off' opts out. The credit as it stands after."""
    project_id, project_name = await project_named(bank, project)
    if name.strip().lower() == "off":
        await bank.store.remove_credit(project_id, writer_id)  # type: ignore[attr-defined]
        return Credit(project_name, None)
    chosen = credited_name(name)
    await bank.store.set_credit(project_id, writer_id, chosen, bank.now())  # type: ignore[attr-defined]
    return Credit(project_name, chosen)


# -- exports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportNames:
    """How one batch's export names people: credited names, else pseudonyms."""

    credited: dict[str, str]
    pseudonyms: dict[str, str]

    def writer(self, user_id: str) -> tuple[str, bool]:
        """The name a writer's rows carry, and whether it is a credited name."""
        if user_id in self.credited:
            return self.credited[user_id], True
        return self.pseudonyms[user_id], False

    def reviewer(self, user_id: str | None, automatic: bool) -> str | None:
        """A reviewer by pseudonym (credit is for writing); the system's own verdicts ('auto',
        'gold-check') by their name, as they are no person."""
        if user_id is None or automatic:
            return user_id
        return self.pseudonyms[user_id]


async def export_names(bank: TaskBank, batch_id: int) -> ExportNames:
    """The names for one batch's export (pseudonyms are minted and stored for new people)."""
    batch = await bank.batch(batch_id)
    people = await bank.store.batch_people(batch_id)  # type: ignore[attr-defined]
    pseudonyms = await bank.store.pseudonyms_for(people, mint_pseudonym, bank.now())  # type: ignore[attr-defined]
    credited = await bank.store.project_credits(batch.project_id)  # type: ignore[attr-defined]
    return ExportNames(credited, pseudonyms)


async def named_rows(
    rows: AsyncIterator[dict[str, Any]], names: ExportNames
) -> AsyncIterator[dict[str, Any]]:
    """Export rows with every person's id replaced by their export name."""
    async for row in rows:
        writer_id = row.pop("writer_id")
        row["writer"], row["credited"] = names.writer(writer_id)
        row["reviewer"] = names.reviewer(row.pop("reviewer_id"), bool(row.get("automatic")))
        yield row


def contributors_file_name(rows: P) -> P:
    """The contributors file beside an export's rows: `tone.csv` → `tone.contributors.csv`."""
    return rows.with_name(f"{rows.stem}.contributors.csv")


async def write_contributors(bank: TaskBank, batch_id: int, out: TextIO) -> tuple[int, int]:
    """The contributors file of a batch's export (CSV): each credited name with its tasks and
    hours on task, then one line counting everyone else. Returns (credited, anonymous)."""
    batch = await bank.batch(batch_id)
    credited = await bank.store.project_credits(batch.project_id)  # type: ignore[attr-defined]
    named: dict[str, list[int]] = {}
    others = [0, 0, 0]  # people, tasks, seconds
    for writer_id, tasks, seconds in await bank.store.contributions(batch_id):  # type: ignore[attr-defined]
        if writer_id in credited:
            totals = named.setdefault(credited[writer_id], [0, 0])
            totals[0] += tasks
            totals[1] += seconds
        else:
            others = [others[0] + 1, others[1] + tasks, others[2] + seconds]
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(CONTRIBUTOR_COLUMNS)
    for name in sorted(named, key=str.casefold):
        tasks, seconds = named[name]
        writer.writerow([name, tasks, round(seconds / 3600, 2)])
    if others[0]:
        label = f"{others[0]} more contributor{'' if others[0] == 1 else 's'} (not credited)"
        writer.writerow([label, others[1], round(others[2] / 3600, 2)])
    return len(named), others[0]
