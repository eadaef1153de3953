"""The neutral screenplay model every format is parsed into: scenes of typed elements with pages and lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

ElementKind = Literal["heading", "action", "cue", "parenthetical", "dialogue", "transition"]
Side = Literal["left", "right"]
SPEECH_KINDS = ("cue", "parenthetical", "dialogue")

_EXTENSION = re.compile(r"\s*\(([^)]*)\)\s*$")


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


def group_scenes(elements: list[Element]) -> list[Scene]:
    """Cut a flat element list into scenes at each heading, numbered in order unless the script
    numbers its scenes itself (a locked draft)."""
    scenes: list[Scene] = []
    current: Scene | None = None
    following = 1  # an unnumbered heading takes the number after the last one seen
    used: set[str] = set()
    for element in elements:
        if element.kind == "heading":
            number = element.scene_number or str(following)
            digits = re.match(r"[0-9]+", number)
            if digits:
                following = int(digits.group()) + 1
            number = _unused(number, used)
            used.add(number)
            current = Scene(number, element.text, [element])
            scenes.append(current)
            continue
        if current is None:
            current = Scene("0", "", [])
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


def _unused(number: str, used: set[str]) -> str:
    """A scene number no earlier scene has: a repeat becomes an A-scene (12, 12A, 12B …)."""
    if number not in used:
        return number
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if f"{number}{letter}" not in used:
            return f"{number}{letter}"
    return f"{number}-{len(used)}"
