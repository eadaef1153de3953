"""Fountain screenplays, parsed with fountain-py into the neutral model.

fountain-py (MIT) was chosen over the other PyPI parsers because it keeps each element's source
line and handles the whole spec: forced headings, actions, cues and transitions (`.`, `!`, `@`,
`>`), dual dialogue (`^`), boneyard, notes, sections and synopses, the title page, page breaks and
scene numbers. Notes, boneyard, sections and synopses are the writer's own and are left out.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from fountain.elements import ElementType
from fountain.parser import FountainParser

from taskbank.errors import Problem, ValidationFailed
from taskbank.screenplay.controls import check_lines
from taskbank.screenplay.layout import paginate
from taskbank.screenplay.model import Element, Script, character_name, group_scenes, squash

_UNCLOSED_BONEYARD = (
    "'/*' opens a boneyard (text left out) that no '*/' closes, so the rest of the script "
    "would be left out too; close it with '*/' or remove the '/*'"
)
_KINDS = {
    ElementType.SCENE_HEADING: "heading",
    ElementType.ACTION: "action",
    ElementType.CENTERED: "action",
    ElementType.LYRICS: "action",
    ElementType.CHARACTER: "cue",
    ElementType.PARENTHETICAL: "parenthetical",
    ElementType.DIALOGUE: "dialogue",
    ElementType.TRANSITION: "transition",
}


def parse_fountain(text: str, source: str) -> Script:
    """A Fountain script as scenes, its pages set as printed; a control character anywhere in it
    is refused at its line and column."""
    check_lines(text, source)
    _check_markers(text, source)
    try:
        document = FountainParser().parse(_one_caret_per_pair(_plain_lines(text)))
    except RecursionError:  # fountain-py reads markers within a line by recursion
        raise ValidationFailed(
            [Problem("file", f"nests markup too deeply to read; {_MARKERS_EXPECTED}", source)],
            summary=f"{source}: refused; nothing was imported",
        ) from None
    for issue in document.issues:
        if issue.code == "unclosed-boneyard":  # fountain-py cuts everything after it
            raise ValidationFailed(
                [Problem("boneyard", _UNCLOSED_BONEYARD, f"{source}:{issue.line_number}")],
                summary=f"{source}: refused; nothing was imported",
            )
    elements: list[Element] = []
    breaks: set[int] = set()
    for item in document.elements:
        if item.type == ElementType.PAGE_BREAK:
            breaks.add(len(elements))
        elif item.type == ElementType.DUAL_DIALOGUE:
            for side in ("left", "right"):
                _speech(
                    elements,
                    item.metadata[f"{side}_character"],
                    item.metadata[f"{side}_dialogue"],
                    side,
                )
        elif item.type == ElementType.CHARACTER:
            _add(elements, _cue(item), item.line_number, None)
        elif item.type in _KINDS:
            _add(elements, (_KINDS[item.type], item.text), item.line_number, item)
    paginate(elements, breaks)
    title = squash(str(document.metadata.get("title", ""))).replace("*", "").replace("_", "")
    scenes = group_scenes(elements, source)
    return Script(
        source, title, scenes, max((e.page for e in elements), default=0), elements, breaks
    )


# fountain-py reads the boneyard and note markers of a line by recursion, one level each: 100,000
# on one line raised RecursionError, and '[[' repeated took minutes. No script has more than a few.
MAX_MARKERS_PER_LINE = 100
_MARKERS_EXPECTED = (
    "a line holds a few boneyard (/* */) or note ([[ ]]) markers at most; remove the extra ones"
)


def _check_markers(text: str, source: str) -> None:
    """Refuse, at its line, a line with more boneyard or note markers than any script has."""
    for number, line in enumerate(text.splitlines(), 1):
        count = sum(line.count(marker) for marker in ("/*", "*/", "[[", "]]"))
        if count > MAX_MARKERS_PER_LINE:
            raise ValidationFailed(
                [
                    Problem(
                        "markup",
                        f"{count:,} boneyard or note markers on one line; {_MARKERS_EXPECTED}",
                        f"{source}:{number}",
                    )
                ],
                summary=f"{source}: refused; nothing was imported",
            )


def _one_caret_per_pair(text: str) -> str:
    """The spec marks only the second cue of dual dialogue with ^, but writers often mark both;
    fountain-py 0.3 then drops both speeches' first halves, so the first mark is removed here."""
    lines = text.split("\n")
    marked = [
        i
        for i, line in enumerate(lines)
        if line.rstrip().endswith("^") and (i == 0 or not lines[i - 1].strip())
    ]
    for first, second in itertools.pairwise(marked):
        between = lines[first + 1 : second]
        blanks = [i for i, line in enumerate(between) if not line.strip()]
        if (
            blanks
            and all(line.strip() for line in between[: blanks[0]])
            and not any(line.strip() for line in between[blanks[0] :])
        ):
            lines[first] = lines[first].rstrip().removesuffix("^").rstrip()
    return "\n".join(lines)


def _cue(item: Any) -> tuple[str, str]:
    extension = item.metadata.get("extension")
    return "cue", item.text + (f" ({extension})" if extension else "")


def _speech(elements: list[Element], cue: Any, lines: list[Any], side: str) -> None:
    _add(elements, _cue(cue), cue.line_number, None, dual=side)
    for line in lines:
        _add(elements, (_KINDS[line.type], line.text), line.line_number, line, dual=side)


def _add(
    elements: list[Element],
    kind_text: tuple[str, str],
    line: int,
    item: Any,
    dual: str | None = None,
) -> None:
    kind, raw = kind_text
    text = squash(raw)
    last_line = line + raw.count("\n")
    previous = elements[-1] if elements else None
    if (
        kind == "dialogue"
        and previous is not None
        and previous.kind == "dialogue"
        and previous.dual == dual
    ):
        # fountain-py gives a speech line by line; a speech is one paragraph in every format.
        if text:
            previous.text = squash(previous.text + " " + text)
        previous.last_line = last_line
        return
    if not text:
        return
    element = Element(kind, text, line, last_line=last_line, dual=dual)  # type: ignore[arg-type]
    if kind == "cue":
        element.character = character_name(text)
    if kind == "heading" and item is not None and item.metadata.get("scene_number"):
        element.scene_number = str(item.metadata["scene_number"])
    elements.append(element)


def _plain_lines(text: str) -> str:
    """Line ends as `\n` (Windows and old Mac files too), and a line of nothing but a stray space
    or tab as the blank line it looks like (two spaces stay: Fountain's blank line in a speech)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = ["" if line.strip() == "" and line != "  " else line for line in lines]
    return "\n".join(
        "@" + line if _unicode_cue(lines, number) else line for number, line in enumerate(lines)
    )


_NOT_A_CUE = re.compile(r"^\s*([!@.>~=#\[]|(INT|EXT|EST|I/E|INT\./EXT)[. ])|TO:\s*$")


def _unicode_cue(lines: list[str], number: int) -> bool:
    """A character cue with letters outside ASCII (JOSÉ, АННА): fountain-py only knows A–Z
    capitals, so such a cue is forced with '@' as Fountain allows."""
    line = lines[number]
    if line.isascii() or _NOT_A_CUE.search(line) or line != line.upper():
        return False
    name = character_name(line)
    return (
        any(ch.isalpha() for ch in name)
        and (number == 0 or lines[number - 1] == "")
        and number + 1 < len(lines)
        and lines[number + 1] != ""
    )
