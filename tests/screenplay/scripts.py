"""Screenplay test material: the bundled samples, and small PDFs and FDX files made on the spot."""

from __future__ import annotations

from taskbank.sample_scripts import script_file

FORMATS = ("fountain", "fdx", "pdf")


def sample(name: str, fmt: str) -> tuple[str, bytes]:
    """A bundled sample as (file name, bytes)."""
    filename = f"{name}.{fmt}"
    return filename, script_file(filename).read_bytes()


def pdf_of_text(lines: list[str]) -> bytes:
    """A one-page PDF of plain lines at the left margin (prose, not a screenplay)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for number, line in enumerate(lines):
        pdf.text(72, 90 + 14 * number, line)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A PDF whose page is only a picture: drawn shapes and no text layer, like a scan."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    for row in range(40):
        pdf.rect(108, 72 + 14 * row, 300 - 5 * (row % 7), 8, style="F")
    return bytes(pdf.output())


def encrypted_pdf(fountain_text: str) -> bytes:
    """A screenplay PDF that needs a password to open."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Courier", size=12)
    for number, line in enumerate(fountain_text.splitlines()):
        pdf.text(108, 84 + 12 * number, line)
    return bytes(pdf.output())


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. LAB - NIGHT</Text></Paragraph>
<Paragraph Type="Character"><Text>MARA</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>&lol9;</Text></Paragraph>
</Content></FinalDraft>
"""


def external_entity_fdx(path: str) -> bytes:
    """An FDX whose dialogue would be the contents of a local file, if entities were resolved."""
    return f"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft [ <!ENTITY secret SYSTEM "file://{path}"> ]>
<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. LAB - NIGHT</Text></Paragraph>
<Paragraph Type="Character"><Text>MARA</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>&secret;</Text></Paragraph>
</Content></FinalDraft>
""".encode()


DTD_ONLY_FDX = b"""<?xml version="1.0"?>
<!DOCTYPE FinalDraft SYSTEM "finaldraft.dtd">
<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. LAB - NIGHT</Text></Paragraph>
</Content></FinalDraft>
"""


def courier_pdf(pages: list[list[tuple[int, int, str]]]) -> bytes:
    """A Courier 12 PDF with (row, column, text) lines per page, columns from the 1.5-inch
    margin (negative columns fall in the margin, where scene numbers go)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Courier", size=12)
    for lines in pages:
        pdf.add_page()
        for row, column, text in lines:
            pdf.text(108 + 7.2 * column, 84 + 12 * row, text)
    return bytes(pdf.output())


def inflating_pdf(megabytes: int) -> bytes:
    """A one-page PDF whose page content is a small compressed stream that inflates to
    `megabytes` MB of spaces: a decompression bomb, in miniature."""
    import zlib

    squeeze = zlib.compressobj(1)
    spaces = b" " * (1 << 20)
    stream = b"".join(squeeze.compress(spaces) for _ in range(megabytes)) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(pdf)
