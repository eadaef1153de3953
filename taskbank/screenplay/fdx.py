"""Final Draft (.fdx) screenplays, read with a hardened XML parser into the neutral model.

defusedxml refuses any DTD, so no entity can expand (billion laughs) and nothing outside the
file can be fetched (external entities); Final Draft writes no DTD, so no real script is lost.
"""

from __future__ import annotations

import re
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import Locator

import defusedxml.sax
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from taskbank.errors import Problem, ValidationFailed
from taskbank.screenplay.controls import ControlCharacters
from taskbank.screenplay.layout import paginate
from taskbank.screenplay.model import Element, Script, character_name, group_scenes, squash

_KINDS = {
    "scene heading": "heading",
    "action": "action",
    "general": "action",
    "shot": "action",
    "character": "cue",
    "parenthetical": "parenthetical",
    "dialogue": "dialogue",
    "transition": "transition",
}


_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})""")


class _Handler(ContentHandler):
    """Collects Paragraph elements of the script's Content (not the title page's) with lines."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.controls = ControlCharacters(source)
        self.locator: Locator | None = None
        self.path: list[str] = []
        # How many TitlePage elements are open: asking `"TitlePage" in self.path` at every
        # paragraph made a file nested 300,000 deep take minutes to read.
        self._title_depth = 0
        self.root: str | None = None
        self.paragraphs: list[dict] = []  # type, text, line, number, new_page, dual index
        self.title_lines: list[str] = []
        self._text: list[str] | None = None
        self._dual = 0
        self._in_dual = False

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def _line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def startElement(self, name: str, attrs) -> None:
        if self.root is None:
            self.root = name
        parent = self.path[-1] if self.path else None
        self.path.append(name)
        if name == "TitlePage":
            self._title_depth += 1
        if name == "DualDialogue":
            self._dual += 1
            self._in_dual = True
        elif name == "Paragraph" and self._title_depth:
            self.title_lines.append("")
        elif name == "Paragraph" and self.path[:3] == ["FinalDraft", "Content", "Paragraph"]:
            self.paragraphs.append(
                {
                    "type": (attrs.get("Type") or "").strip().lower(),
                    "text": "",
                    "line": self._line(),
                    "number": attrs.get("Number"),
                    "new_page": attrs.get("StartsNewPage") == "Yes",
                    "dual": self._dual if self._in_dual else None,
                }
            )
        elif name == "Text" and parent == "Paragraph":
            self._text = []

    def characters(self, content: str) -> None:
        if self._text is not None:
            self._text.append(content)
            if self.locator is not None:  # expat's column counts characters from 0
                self.controls.check(
                    content, self.locator.getLineNumber(), self.locator.getColumnNumber() + 1
                )

    def endElement(self, name: str) -> None:
        self.path.pop()
        if name == "TitlePage":
            self._title_depth -= 1
        if name == "DualDialogue":
            self._in_dual = False
        if name == "Text" and self._text is not None:
            text = "".join(self._text)
            self._text = None
            if self._title_depth and self.title_lines:
                self.title_lines[-1] += text
            elif self.paragraphs and self.path[:2] == ["FinalDraft", "Content"]:
                self.paragraphs[-1]["text"] += text
                self.paragraphs[-1]["last_line"] = self._line()


def parse_fdx(data: bytes, source: str) -> Script:
    """A Final Draft script as scenes, its pages set as printed."""
    handler = _Handler(source)
    try:
        defusedxml.sax.parseString(
            data, handler, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise _refused(source, _dtd_reason(data)) from None
    except (EntitiesForbidden, ExternalReferenceForbidden, DefusedXmlException):
        raise _refused(source, "declares entities; Taskbot refuses XML entities") from None
    except (LookupError, ValueError) as error:  # expat's declared encoding: unknown, or not text
        raise ValidationFailed(
            [Problem("file", _encoding_reason(data, error), f"{source}:1")],
            summary=f"{source}: not a Final Draft file; nothing was imported",
        ) from None
    except SAXParseException as error:
        raise ValidationFailed(
            [
                Problem(
                    "file",
                    f"is not well-formed XML ({error.getMessage()}, column {error.getColumnNumber()})",
                    f"{source}:{error.getLineNumber()}",
                )
            ],
            summary=f"{source}: not a Final Draft file; nothing was imported",
        ) from None
    if handler.root != "FinalDraft":
        raise _refused(
            source, f"is XML whose root is <{handler.root}>, not a Final Draft <FinalDraft> file"
        )
    refusal = handler.controls.refusal()
    if refusal is not None:
        raise refusal
    elements: list[Element] = []
    breaks: set[int] = set()
    sides: dict[int, int] = {}
    for paragraph in handler.paragraphs:
        kind = _KINDS.get(paragraph["type"])
        text = squash(paragraph["text"])
        if kind is None or not text:
            continue
        dual = None
        if paragraph["dual"] is not None:
            if kind == "cue":
                sides[paragraph["dual"]] = sides.get(paragraph["dual"], 0) + 1
            dual = "left" if sides.get(paragraph["dual"], 1) == 1 else "right"
        if paragraph["new_page"]:
            breaks.add(len(elements))
        element = Element(
            kind,
            text,
            paragraph["line"],
            last_line=paragraph.get("last_line"),
            dual=dual,  # type: ignore[arg-type]
        )
        if kind == "cue":
            element.character = character_name(text)
        if kind == "heading" and paragraph["number"]:
            element.scene_number = paragraph["number"].strip()
        elements.append(element)
    paginate(elements, breaks)
    title = next((squash(t) for t in handler.title_lines if t.strip()), "")
    scenes = group_scenes(elements, source)
    return Script(
        source, title, scenes, max((e.page for e in elements), default=0), elements, breaks
    )


def _encoding_reason(data: bytes, error: Exception) -> str:
    declared = _DECLARED_ENCODING.search(data[:200])
    name = declared.group(1).decode("ascii", "replace") if declared else "?"
    return (
        f"declares the encoding '{name}', which cannot be read ({error}); "
        "save it as UTF-8 (Final Draft does)"
    )


def _dtd_reason(data: bytes) -> str:
    head = data[:65536]
    if b"<!ENTITY" in head and (b"SYSTEM" in head or b"PUBLIC" in head):
        return "declares an external entity (it would read files or URLs); Final Draft files have no DTD"
    if b"<!ENTITY" in head:
        return "declares entities in a DTD (entity expansion, as in 'billion laughs'); Final Draft files have no DTD"
    return "declares a DTD (<!DOCTYPE …>); Final Draft files have none, and Taskbot refuses DTDs"


def _refused(source: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        [Problem("file", reason, source)], summary=f"{source}: refused; nothing was imported"
    )
