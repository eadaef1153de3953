"""The neutral screenplay model every format is parsed into: scenes of typed elements with pages and lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from taskbank.errors import Problem, ValidationFailed
from taskbank.safejson import text_problem

ElementKind = Literal["heading", "action", "cue", "parenthetical", "dialogue", "transition"]
Side = Literal["left", "right"]
SPEECH_KINDS = ("cue", "parenthetical", "dialogue")

_EXTENSION = re.compile(r"\s*\(([^)]*)\)\s*$")
# A locked draft's scene numbers are short (12, 12A, A-1); a longer one is not a scene number.
MAX_SCENE_NUMBER = 20


@dataclass
class Element:
    """One paragraph of a script: its kind, its text (whitespace collapsed), and where it was.

    `line` is the source line (Fountain, FDX) or the line on the page (PDF); `page` the script page.
    A cue's `character` is the speaker's name without extensions; `dual` marks dual dialogue.
    """

    kind: ElementKind
    text: str
    line: int
    page: int = 1
    last_line: int | None = None
    character: str | None = None
    dual: Side | None = None
    scene_number: str | None = None  # a heading's own number, in a numbered (locked) draft

    @property
    def end_line(self) -> int:
        return self.last_line if self.last_line is not None else self.line


@dataclass
class Scene:
    """A scene heading and the elements up to the next one; number 0 is what precedes the first heading."""

    number: str
    heading: str
    elements: list[Element] = field(default_factory=list)
    key: str = ""  # its part of the task ids (s012), unique in the script; see scene_key

    @property
    def pages(self) -> tuple[int, int]:
        pages = [e.page for e in self.elements]
        return (min(pages), max(pages)) if pages else (1, 1)

    @property
    def lines(self) -> tuple[int, int]:
        return (
            min(e.line for e in self.elements),
            max(e.end_line for e in self.elements),
        )

    @property
    def characters(self) -> list[str]:
        """Speakers in order of their first line."""
        return list(dict.fromkeys(e.character for e in self.elements if e.character))

    @property
    def has_dialogue(self) -> bool:
        return any(e.kind == "dialogue" for e in self.elements)


@dataclass
class Script:
    """A parsed screenplay: where it came from, its title, and its scenes in order."""

    source: str
    title: str
    scenes: list[Scene]
    page_count: int
    elements: list[Element] = field(default_factory=list)
    page_breaks: set[int] = field(default_factory=set)  # element indexes that start a page (===)


def character_name(cue: str) -> str:
    """The speaker a cue names: 'MARA (V.O.)' and "MARA (CONT'D) ^" are both MARA."""
    name = cue.strip().removeprefix("@").removesuffix("^").strip()
    while True:
        stripped = _EXTENSION.sub("", name)
        if stripped == name:
            break
        name = stripped
    return " ".join(name.split()).upper()


def squash(text: str) -> str:
    """Text with every run of whitespace one space: line wrapping differs between formats."""
    return " ".join(text.split())


def group_scenes(elements: list[Element], source: str) -> list[Scene]:
    """Cut a flat element list into scenes at each heading, numbered in order unless the script
    numbers its scenes itself (a locked draft); a scene number too long to be one is refused."""
    scenes: list[Scene] = []
    current: Scene | None = None
    following = 1  # an unnumbered heading takes the number after the last one seen
    used: set[str] = set()
    keys: set[str] = set()
    for element in elements:
        if element.kind == "heading":
            number = element.scene_number or str(following)
            if len(number) > MAX_SCENE_NUMBER:
                raise _long_number(number, element.line, source)
            shown = text_problem(number, one_line=True)  # an FDX attribute is not text checked
            if shown is not None:
                raise _bad_number(shown, element.line, source)
            digits = re.match(r"[0-9]+", number)
            if digits:
                following = int(digits.group()) + 1
            number = _unused(number, used)
            used.add(number)
            current = Scene(number, element.text, [element], _unused(scene_key(number), keys))
            keys.add(current.key)
            scenes.append(current)
            continue
        if current is None:
            current = Scene("0", "", [], "s000")
            keys.add(current.key)
            scenes.append(current)
        current.elements.append(element)
    # A preamble of nothing but transitions (FADE IN:) is no scene of its own.
    if (
        scenes
        and scenes[0].number == "0"
        and all(e.kind == "transition" for e in scenes[0].elements)
    ):
        scenes.pop(0)
    return scenes


def scene_key(number: str) -> str:
    """`s012`, `s012A` for a numbered draft's inserted scene, `s000` before the first heading;
    distinct numbers can share one (1 and 01, A-1 and A.1): group_scenes keeps keys unique."""
    match = re.fullmatch(r"(\d+)(.*)", number)
    if match:
        return f"s{int(match.group(1)):03d}{match.group(2)}"
    return "s" + re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-")


def _long_number(number: str, line: int, source: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                "scene number",
                f"'{number[:MAX_SCENE_NUMBER]}…' is {len(number):,} characters long; a scene "
                f"number has at most {MAX_SCENE_NUMBER} (12, 12A, A-1)",
                f"{source}:{line}",
            )
        ],
        summary=f"{source}: refused; nothing was imported",
    )


def _bad_number(problem: str, line: int, source: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Problem(
                "scene number",
                f"{problem}; a scene number is like 12, 12A or A-1",
                f"{source}:{line}",
            )
        ],
        summary=f"{source}: refused; nothing was imported",
    )


def _unused(number: str, used: set[str]) -> str:
    """A scene number (or key) no earlier scene has: a repeat becomes an A-scene (12, 12A …)."""
    if number not in used:
        return number
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if f"{number}{letter}" not in used:
            return f"{number}{letter}"
    count = len(used)
    while f"{number}-{count}" in used:
        count += 1
    return f"{number}-{count}"
