"""Script pages as text: paginating the text formats, and excerpts laid out like a script page.

Fountain and Final Draft files carry no page numbers, so they are paginated the way a screenplay
is printed (Courier 12, 55 lines a page, the usual indents); a PDF made with the same layout has
the same pages, so a script gives the same page units from every format.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from taskbank.screenplay.model import Element

LINES_PER_PAGE = 55
PAGE_WIDTH = 60  # characters of Courier 12 across the 6-inch text block
# (indent, width) in characters from the left margin, as on a printed page.
PAGE_COLUMNS: dict[str, tuple[int, int]] = {
    "heading": (0, 60),
    "action": (0, 60),
    "cue": (22, 38),
    "parenthetical": (16, 26),
    "dialogue": (10, 35),
    "transition": (0, 60),
}
DUAL_COLUMNS: dict[str, dict[str, tuple[int, int]]] = {
    "left": {"cue": (8, 22), "parenthetical": (3, 25), "dialogue": (0, 28)},
    "right": {"cue": (40, 20), "parenthetical": (35, 25), "dialogue": (32, 28)},
}
DUAL_SPLIT = 30  # a dual line's text left of this column is the left speaker's


@dataclass(frozen=True)
class PlacedLine:
    """One printed line: page, row from the top of the text block, column, text."""

    page: int
    row: int
    column: int
    text: str
    element: Element | None = field(default=None, compare=False, repr=False)
    first: bool = False  # the element's first line


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken at spaces only (so they join back exactly)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _element_lines(element: Element) -> list[tuple[int, str]]:
    columns = DUAL_COLUMNS[element.dual] if element.dual else PAGE_COLUMNS
    indent, width = columns[element.kind]
    if element.kind == "transition":
        return [(max(0, PAGE_WIDTH - len(line)), line) for line in wrap(element.text, width)]
    return [(indent, line) for line in wrap(element.text, width)]


def _blocks(elements: list[Element]) -> list[list[Element]]:
    """Elements grouped as they stay together on a page: a speech, a dual pair, a paragraph."""
    blocks: list[list[Element]] = []
    for element in elements:
        previous = blocks[-1] if blocks else None
        joins_speech = (
            element.kind in ("parenthetical", "dialogue")
            and previous is not None
            and previous[-1].kind in ("cue", "parenthetical", "dialogue")
        )
        joins_dual = element.dual == "right" and previous is not None and previous[0].dual == "left"
        if joins_speech or joins_dual:
            previous.append(element)
        else:
            blocks.append([element])
    return blocks


def _block_rows(block: list[Element]) -> list[tuple[int, int, str, Element]]:
    """A block's lines as (row offset, column, text, element); a dual pair side by side."""
    sides: dict[str | None, list[tuple[int, str, Element]]] = {}
    for element in block:
        sides.setdefault(element.dual, []).extend(
            (column, text, element) for column, text in _element_lines(element)
        )
    rows = []
    for lines in sides.values():
        rows.extend(
            (offset, column, text, element) for offset, (column, text, element) in enumerate(lines)
        )
    return rows


def paginate(elements: list[Element], page_breaks: set[int] | None = None) -> list[PlacedLine]:
    """Lay the elements out on pages, setting each element's page; `page_breaks` are the indexes
    of elements that start a new page (Fountain's ===)."""
    breaks = page_breaks or set()
    index_of = {id(e): i for i, e in enumerate(elements)}
    placed: list[PlacedLine] = []
    page, row = 1, 0
    blocks = _blocks(elements)
    for number, block in enumerate(blocks):
        rows = _block_rows(block)
        height = max(offset for offset, *_ in rows) + 1
        needed = height
        if block[0].kind == "heading" and number + 1 < len(blocks):
            needed += 3  # a heading never ends a page alone
        forced = index_of[id(block[0])] in breaks and row > 0
        if forced or (row > 0 and row + 1 + min(needed, LINES_PER_PAGE) > LINES_PER_PAGE):
            page, row = page + 1, 0
        elif row > 0:
            row += 1  # the blank line between paragraphs
        seen: set[int] = set()
        for offset, column, text, element in rows:
            if row + offset >= LINES_PER_PAGE:  # a block longer than a page runs on
                page, row = page + 1, -offset
            first = id(element) not in seen
            seen.add(id(element))
            if first:
                element.page = page
            placed.append(PlacedLine(page, row + offset, column, text, element, first))
        row += height
    return placed


# -- excerpts ---------------------------------------------------------------------------------

EXCERPT_INDENTS = {"cue": 16, "parenthetical": 11, "dialogue": 8, "transition": 36}
EXCERPT_WIDTHS = {"heading": 60, "action": 60, "cue": 40, "parenthetical": 28, "dialogue": 36}
CONTINUED = "(CONTINUED)"


def excerpt_text(elements: list[Element]) -> str:
    """Elements as plain text a screenwriter recognises: headings and cues in capitals, cues,
    parentheticals and dialogue indented, a blank line between paragraphs."""
    out: list[str] = []
    previous: Element | None = None
    for element in elements:
        in_speech = (
            element.kind in ("parenthetical", "dialogue")
            and previous is not None
            and (previous.kind in ("cue", "parenthetical", "dialogue"))
        )
        if out and not in_speech:
            out.append("")
        text = element.text
        if element.kind == "cue" and element.dual == "right":
            text += " (SIMULTANEOUSLY)"
        indent = " " * EXCERPT_INDENTS.get(element.kind, 0)
        width = EXCERPT_WIDTHS.get(element.kind, 60)
        out.extend(indent + line for line in wrap(text, width))
        previous = element
    return "\n".join(out)
