"""PDF screenplays, read from their text layer with pdfplumber into the neutral model.

A screenplay is set in Courier, so each text line is rebuilt as a row of character columns; the
column a line starts at says what it is (action and headings at the margin, dialogue about ten
characters in, parentheticals about sixteen, cues about twenty-two, transitions far right), and
capitals and INT./EXT. separate headings from action. Page numbers are the printed ones.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from taskbank.errors import Problem, ValidationFailed
from taskbank.screenplay.layout import DUAL_SPLIT
from taskbank.screenplay.model import Element, Script, character_name, group_scenes, squash
from taskbank.screenplay.pdfdamage import DAMAGED, page_is_damaged, structure_errors

HEADING = re.compile(r"^(INT|EXT|EST|INT\.?/EXT|I/E)[.\s/]", re.IGNORECASE)
PAGE_NUMBER = re.compile(r"^\d{1,4}\.?$")
SCENE_NUMBER = re.compile(r"^\d{1,4}[A-Z]{0,2}$")
CONTINUATIONS = {"(MORE)", "CONTINUED:", "(CONTINUED)", "CONTINUED"}
_CONTINUED_HEADER = re.compile(r"^CONTINUED:(\s*\(\d+\))?$")


@dataclass
class _Line:
    page: int  # physical page, 0-based
    top: float
    segments: list[tuple[int, str]]  # (column, text), split at runs of 3+ spaces
    raw: str = ""  # the characters as the PDF spaces them (for centred title-page text)


def parse_pdf(data: bytes, source: str) -> Script:
    """A PDF script as scenes with its printed page numbers; refuses scans, encryption and prose."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if getattr(pdf.doc, "encryption", None):
                raise _refused(source, _ENCRYPTED)
            pages: list[list[dict]] = []
            scanned: list[int] = []
            for number, page in enumerate(pdf.pages, 1):
                if page_is_damaged(page):
                    raise _refused(source, f"{DAMAGED} (page {number}); {_EXPORT}")
                pages.append(_page_chars(page))
                # A page that is a picture and has no text: a scan whose words would be lost.
                if not any(c["text"].strip() for c in pages[-1]) and page.images:
                    scanned.append(number)
                # Its layout objects go now: every page's kept to the end make a heap that each
                # full garbage collection walks, holding the GIL (and the event loop) for long.
                page.close()
    except (PdfminerException, PDFException, PSException) as error:
        cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
        if isinstance(cause, MemoryError):  # a decompression bomb, say: not a damaged file
            raise cause from None
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise _refused(source, _ENCRYPTED) from None
        raise _refused(source, f"is not a readable PDF file ({type(cause).__name__})") from None
    except structure_errors() as error:  # a page box or dictionary of the wrong type, say
        raise _refused(source, f"is not a readable PDF file ({type(error).__name__})") from None
    if not pages:  # its page tree is broken: no page is found
        raise _refused(source, f"is not a readable PDF file (no pages found); {_EXPORT}")
    chars = [c for page in pages for c in page if c["text"].strip()]
    if not chars:
        raise _refused(
            source,
            "has no text layer (a scanned script?); export a PDF from the screenwriting app, or "
            "import the .fountain or .fdx file",
        )
    if scanned:
        shown = ", ".join(str(n) for n in scanned[:10]) + (" …" if len(scanned) > 10 else "")
        raise _refused(
            source,
            f"has pages without a text layer (scanned?): {shown}; their words would be lost. "
            "Export the PDF from the screenwriting app, or import the .fountain or .fdx file",
        )
    width = Counter(round(c["x1"] - c["x0"], 1) for c in chars).most_common(1)[0][0] or 7.2
    rows = _indexed_rows(pages)
    margin = _margin([row for _, row in rows], width)
    lines = [_line(index, row, margin, width) for index, row in rows]
    size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
    return _script(lines, source, size)


_EXPORT = "export the PDF again from the screenwriting app, or import the .fountain or .fdx file"
_ENCRYPTED = "is encrypted; save a copy without a password (or import the .fountain or .fdx file)"


def _page_chars(page: Any) -> list[dict]:
    """A page's characters with position and size, read from pdfminer's layout objects that
    pdfplumber holds (its own per-character dicts cost several times the parsing itself)."""
    from pdfminer.layout import LTChar, LTContainer

    height = page.height
    chars: list[dict] = []
    stack = [page.layout]
    while stack:
        for item in stack.pop():
            if isinstance(item, LTChar):
                chars.append(
                    {
                        "text": item.get_text(),
                        "x0": item.x0,
                        "x1": item.x1,
                        "top": height - item.y1,
                        "bottom": height - item.y0,
                        "size": item.size,
                    }
                )
            elif isinstance(item, LTContainer):
                stack.append(item)
    return chars


def _margin(rows: list[list[dict]], width: float) -> float:
    """The action margin: the leftmost position many lines start at (scene numbers aside)."""
    starts: Counter[float] = Counter()
    for row in rows:
        chars = [c for c in row if c["text"].strip()]
        start = 0
        word = ""
        for index, char in enumerate(chars):
            if index and char["x0"] - chars[index - 1]["x1"] > 2 * width:
                if SCENE_NUMBER.match(word):
                    start = index
                break
            word += char["text"]
        starts[round(chars[start]["x0"])] += 1
    common = [x for x, count in starts.items() if count >= max(3, len(rows) // 50)]
    return min(common) if common else min(starts)


def _indexed_rows(pages: list[list[dict]]) -> list[tuple[int, list[dict]]]:
    """Each page's characters grouped into text lines, top to bottom."""
    rows: list[tuple[int, list[dict]]] = []
    for index, chars in enumerate(pages):
        by_top: dict[float, list[dict]] = {}
        for char in chars:
            by_top.setdefault(round(char["top"]), []).append(char)
        for top in sorted(by_top):
            if any(c["text"].strip() for c in by_top[top]):
                rows.append((index, sorted(by_top[top], key=lambda c: c["x0"])))
    return rows


def _line(page: int, row: list[dict], margin: float, width: float) -> _Line:
    raw = squash("".join(c["text"] for c in row))
    row = [c for c in row if c["text"].strip()]
    cells: dict[int, str] = {}
    # Each letter on its Courier column; a PDF not set exactly on the grid can round two letters
    # to one column, so a letter never overwrites the one before it, and a visible gap between
    # letters is always at least one space.
    previous: dict | None = None
    column = 0
    for char in sorted(row, key=lambda c: c["x0"]):
        ideal = round((char["x0"] - margin) / width)
        if previous is None:
            column = ideal
        elif char["x0"] - previous.get("x1", previous["x0"] + width) > 0.4 * width:
            column = max(ideal, column + 2)
        else:
            column += 1  # touching letters are neighbours, whatever rounding says
        cells[column] = char["text"]
        previous = char
    start, end = min(cells), max(cells)
    text = "".join(cells.get(column, " ") for column in range(start, end + 1))
    segments: list[tuple[int, str]] = []
    for match in re.finditer(r"\S+(?: {1,2}\S+)*", text):
        segments.append((start + match.start(), match.group()))
    return _Line(page, row[0]["top"], segments, raw)


def _script(lines: list[_Line], source: str, size: float) -> Script:
    line_height = _line_height(lines, size)
    elements: list[Element] = []
    printed: dict[int, int] = {}
    previous: _Line | None = None
    dual: dict[str, list[Element]] | None = None
    more = resumed = False  # a speech broken by (MORE), and its (CONT'D) cue passed over
    for number, line in enumerate(lines, 1):
        column, text = line.segments[0]
        if line.top < 66 and len(line.segments) == 1 and PAGE_NUMBER.match(text) and column > 40:
            printed[line.page] = int(text.rstrip("."))
            continue
        joined = " ".join(t for _, t in line.segments)
        if joined in CONTINUATIONS or _CONTINUED_HEADER.match(joined):
            more = more or joined == "(MORE)"
            continue
        gap = not resumed and (
            previous is None
            or previous.page != line.page
            or line.top - previous.top > 1.5 * line_height
        )
        previous, resumed = line, False
        if gap and dual is not None:
            _flush_dual(elements, dual)
            dual = None
        segments = list(line.segments)
        scene_number = None
        if len(segments) > 1 and segments[0][0] < 0 and SCENE_NUMBER.match(segments[0][1]):
            scene_number = segments.pop(0)[1]
            if len(segments) > 1 and segments[-1][1] == scene_number:
                segments.pop()
        column, text = segments[0]
        last = elements[-1] if elements else None
        if dual is None and _starts_dual(segments):
            dual = {"left": [], "right": []}
            for side, (_, cue) in zip(("left", "right"), segments, strict=True):
                dual[side].append(_element("cue", cue, number, line.page, side))
            continue
        if dual is not None:
            for seg_column, seg_text in segments:
                side = "left" if seg_column < DUAL_SPLIT else "right"
                _continue(dual[side], seg_text, number, line.page, side)
            continue
        kind = _kind(column, text, last, scene_number)
        if more and kind == "cue" and character_name(text) == _speaker(elements):
            more = resumed = True  # the speech goes on after the page break
            continue
        more = False
        text = " ".join(t for _, t in segments)
        joinable = (
            not gap
            and last is not None
            and last.kind == kind
            and kind in ("action", "dialogue", "parenthetical")
            and not (kind == "parenthetical" and not _open_paren(last))
        )
        if joinable:
            last.text = squash(last.text + " " + text)
            last.last_line = number
            continue
        element = _element(kind, text, number, line.page, None)
        element.scene_number = scene_number if kind == "heading" else None
        elements.append(element)
    if dual is not None:
        _flush_dual(elements, dual)
    return _finish(elements, printed, [(line.page, line.raw) for line in lines], source)


def _kind(column: int, text: str, last: Element | None, scene_number: str | None) -> str:
    """What a line is, from the column it starts at, its capitals, and what came before."""
    in_speech = last is not None and last.kind in ("cue", "parenthetical", "dialogue")
    if column < 5:
        heading = scene_number or (HEADING.match(text) and text.upper() == text)
        return "heading" if heading else "action"
    if column < 13:
        return "dialogue" if in_speech else "action"
    if column < 19:
        if not in_speech:
            return "action"
        return "parenthetical" if text.startswith("(") or _open_paren(last) else "dialogue"
    if column < 34:
        return "cue"
    return "transition" if text.upper() == text else "action"


def _speaker(elements: list[Element]) -> str | None:
    """Who is speaking at the end of the elements so far, if a speech is going on."""
    for element in reversed(elements):
        if element.kind == "cue":
            return element.character
        if element.kind not in ("parenthetical", "dialogue"):
            return None
    return None


def _starts_dual(segments: list[tuple[int, str]]) -> bool:
    """Two cues side by side on one line: dual dialogue begins."""
    return (
        len(segments) == 2
        and 4 <= segments[0][0] < DUAL_SPLIT <= segments[1][0]
        and _is_cue(segments)
    )


def _finish(
    elements: list[Element],
    printed: dict[int, int],
    raw_lines: list[tuple[int, str]],
    source: str,
) -> Script:
    for element, following in itertools.pairwise([*elements, None]):
        if element.kind == "cue" and (
            following is None or following.kind not in ("parenthetical", "dialogue")
        ):
            # Capitals at the cue's indent with no speech after them: centred text (a title).
            element.kind, element.character = "action", None
    first_heading_page = next((e.page for e in elements if e.kind == "heading"), None)
    title = ""
    if first_heading_page is not None:
        # Pages before the first heading with no page number and no cue are a title page.
        title_pages = {
            e.page
            for e in elements
            if e.page < first_heading_page
            and e.page not in printed
            and not any(d.page == e.page and d.kind == "cue" for d in elements)
        }
        if title_pages:
            title = next((raw for page, raw in raw_lines if page in title_pages), "")
            elements = [e for e in elements if e.page not in title_pages]
    script_pages = sorted({e.page for e in elements})
    numbers: dict[int, int] = {}
    previous = 0
    for physical in script_pages:
        numbers[physical] = previous = printed.get(physical, previous + 1)
    for element in elements:
        element.page = numbers[element.page]
    scenes = group_scenes(elements, source)
    return Script(source, title, scenes, max(numbers.values(), default=0), elements)


def _line_height(lines: list[_Line], size: float) -> float:
    """Single spacing: the smallest step between lines that is at least the font size."""
    steps = [
        round(b.top - a.top, 1)
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and b.top - a.top >= 0.9 * size
    ]
    return min(steps, default=size)


def _is_cue(segments: list[tuple[int, str]]) -> bool:
    return all(
        character_name(text) == character_name(text).upper() and text.upper() == text
        for _, text in segments
    )


def _open_paren(element: Element | None) -> bool:
    return (
        element is not None and element.kind == "parenthetical" and not element.text.endswith(")")
    )


def _element(kind: str, text: str, line: int, page: int, side: str | None) -> Element:
    element = Element(kind, squash(text), line, page=page, dual=side)  # type: ignore[arg-type]
    if kind == "cue":
        element.character = character_name(text)
    return element


def _continue(speech: list[Element], text: str, line: int, page: int, side: str) -> None:
    last = speech[-1]
    if text.startswith("(") or _open_paren(last):
        kind = "parenthetical"
    else:
        kind = "dialogue"
    if last.kind == kind and (kind == "dialogue" or _open_paren(last)):
        last.text = squash(last.text + " " + text)
        last.last_line = line
    else:
        speech.append(_element(kind, text, line, page, side))


def _flush_dual(elements: list[Element], dual: dict[str, list[Element]]) -> None:
    elements.extend(dual["left"])
    elements.extend(dual["right"])


def _refused(source: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        [Problem("file", reason, source)], summary=f"{source}: refused; nothing was imported"
    )
