"""Writing a parsed script back out as Final Draft XML or a PDF, for the samples, tests and benchmark.

The PDF is laid out as printed (see `layout`): Courier 12 on Letter, page numbers top right,
scene numbers in the left margin. Writing PDFs needs fpdf2, a development dependency.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from taskbank.screenplay.layout import paginate
from taskbank.screenplay.model import Element

_FDX_TYPES = {
    "heading": "Scene Heading",
    "action": "Action",
    "cue": "Character",
    "parenthetical": "Parenthetical",
    "dialogue": "Dialogue",
    "transition": "Transition",
}
POINTS_PER_CHAR = 7.2  # Courier 12: ten characters an inch
POINTS_PER_LINE = 12.0  # six lines an inch
LEFT_MARGIN = 108.0  # 1.5 in
TOP_MARGIN = 72.0  # 1 in


def to_fdx(elements: list[Element], title: str = "", page_breaks: set[int] | None = None) -> str:
    """Final Draft XML for the elements, shaped as Final Draft writes it (dual dialogue grouped)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
        '<FinalDraft DocumentType="Script" Template="No" Version="5">',
        "  <Content>",
    ]
    in_dual = False
    for index, element in enumerate(elements):
        if element.dual == "left" and element.kind == "cue" and not in_dual:
            out.append("    <Paragraph>\n      <DualDialogue>")
            in_dual = True
        if in_dual and element.dual is None:
            out.append("      </DualDialogue>\n    </Paragraph>")
            in_dual = False
        number = f" Number={quoteattr(element.scene_number)}" if element.scene_number else ""
        if index in (page_breaks or ()):
            number += ' StartsNewPage="Yes"'
        pad = "        " if in_dual else "    "
        out.append(
            f'{pad}<Paragraph Type="{_FDX_TYPES[element.kind]}"{number}>'
            f"<Text>{escape(element.text)}</Text></Paragraph>"
        )
    if in_dual:
        out.append("      </DualDialogue>\n    </Paragraph>")
    out.append("  </Content>")
    if title:
        out.append(
            '  <TitlePage>\n    <Content>\n      <Paragraph Alignment="Center" Type="Action">'
            f"<Text>{escape(title)}</Text></Paragraph>\n    </Content>\n  </TitlePage>"
        )
    out.append("</FinalDraft>")
    return "\n".join(out) + "\n"


def to_pdf(elements: list[Element], title: str = "", page_breaks: set[int] | None = None) -> bytes:
    """A PDF of the elements as printed, with a title page when there is a title."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Courier", size=12)
    if title:
        pdf.add_page()
        pdf.set_xy(0, 300)
        pdf.cell(612, 12, _latin(title), align="C")
    page = 0
    for line in paginate(elements, page_breaks):
        while line.page > page:
            pdf.add_page()
            page += 1
            if page > 1:
                pdf.text(540 - POINTS_PER_CHAR * len(str(page)), 48, f"{page}.")
        y = TOP_MARGIN + POINTS_PER_LINE * (line.row + 1)
        pdf.text(LEFT_MARGIN + POINTS_PER_CHAR * line.column, y, _latin(line.text))
        number = line.element.scene_number if line.element and line.first else None
        if number and line.element.kind == "heading":
            pdf.text(LEFT_MARGIN - POINTS_PER_CHAR * (len(number) + 4), y, _latin(number))
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """Courier in a PDF's core fonts has Latin-1 only; typographic dashes and quotes are mapped."""
    table = str.maketrans({"–": "-", "—": "--", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "..."})
    return text.translate(table).encode("latin-1", "replace").decode("latin-1")
