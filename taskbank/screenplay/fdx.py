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
    """Collects the script's Paragraph elements (not the title page's) with their lines.

    Only paragraphs that Final Draft prints count: those directly in the document's Content, and
    those in a DualDialogue of such a paragraph. Paragraphs elsewhere are metadata and are left
    out: a scene's summary (SceneProperties), a ScriptNote, and the cut scene an OmittedScene
    keeps. A Text run's text counts with the runs nested in it, in document order.
    """

    def __init__(self, source: str) -> None:
        super().__init__()
        self.controls = ControlCharacters(source)
        self.locator: Locator | None = None
        # What each open element is to the script (one of _ROLES); an element's role depends
        # only on its parent's, so reading stays linear in the file however deep it nests.
        self._roles: list[str] = []
        self.root: str | None = None
        self.paragraphs: list[dict] = []  # type, text, line, number, new_page, dual index
        self.title_lines: list[str] = []
        self._open: list[dict] = []  # the script paragraphs open, innermost last
        self._dual = 0

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def _line(self) -> int:
        return self.locator.getLineNumber() if self.locator else 0

    def startElement(self, name: str, attrs) -> None:
        parent = self._roles[-1] if self._roles else None
        if self.root is None:
            self.root = name
            self._roles.append("root")
            return
        role = _role(name, parent)
        self._roles.append(role)
        if role == "dual":
            self._dual += 1
        elif role == "title paragraph":
            self.title_lines.append("")
        elif role == "paragraph":
            paragraph = {
                "type": (attrs.get("Type") or "").strip().lower(),
                "text": [],
                "line": self._line(),
                "number": attrs.get("Number"),
                "new_page": attrs.get("StartsNewPage") == "Yes",
                "dual": self._dual if parent == "dual" else None,
                "omitted": False,
            }
            self.paragraphs.append(paragraph)
            self._open.append(paragraph)
        elif name == "OmittedScene" and parent == "paragraph":
            self._open[-1]["omitted"] = True

    def characters(self, content: str) -> None:
        role = self._roles[-1] if self._roles else None
        if role == "text":
            self._open[-1]["text"].append(content)
        elif role == "title text":
            self.title_lines[-1] += content
        else:
            return
        if self.locator is not None:  # expat's column counts characters from 0
            self.controls.check(
                content, self.locator.getLineNumber(), self.locator.getColumnNumber() + 1
            )

    def endElement(self, name: str) -> None:
        role = self._roles.pop()
        if role == "paragraph":
            self._open.pop()
        elif role == "text":
            self._open[-1]["last_line"] = self._line()


# An element's role given its parent's: ("Content", "root") is the script's own Content; a
# TitlePage's Content and paragraphs are the title page's; anything not listed is "other",
# and everything inside an "other" is left out.
_ROLES = {
    ("Content", "root"): "content",
    ("Paragraph", "content"): "paragraph",
    ("DualDialogue", "paragraph"): "dual",
    ("Paragraph", "dual"): "paragraph",
    ("Text", "paragraph"): "text",
    ("Text", "text"): "text",
    ("TitlePage", "root"): "title",
    ("Content", "title"): "title",
    ("Paragraph", "title"): "title paragraph",
    ("Text", "title paragraph"): "title text",
    ("Text", "title text"): "title text",
}


def _role(name: str, parent: str | None) -> str:
    return _ROLES.get((name, parent or ""), "other")


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
        # A paragraph without a Type is Final Draft's default element, General (read as action).
        kind = _KINDS.get(paragraph["type"] or "general")
        text = squash("".join(paragraph["text"]))
        if kind is None or not text or paragraph["omitted"]:
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
