"""Files that are not usable screenplays are refused with the reason, and nothing is stored."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from tests.inspect_db import query
from tests.screenplay.scripts import (
    BILLION_LAUGHS,
    DTD_ONLY_FDX,
    encrypted_pdf,
    external_entity_fdx,
    pdf_of_text,
    sample,
    scanned_pdf,
)

SETTINGS = {"project": "Refusals", "name": "r", "template": "dialogue_tone", "pay_cents": 40}
PROSE = [
    "Minutes of the harbour committee, 3 March.",
    "Present: the chair, the treasurer and four members.",
    "The committee agreed to repaint the lighthouse before the summer.",
]


async def refused(bank, filename: str, data: bytes) -> str:
    """Import, expect a refusal, check nothing was stored; the refusal as text."""
    with pytest.raises(ValidationFailed) as caught:
        await bank.import_script([(filename, data)], settings=SETTINGS, unit="scene")
    assert await query(bank.store, "SELECT COUNT(*) FROM tasks") == [(0,)]
    assert await query(bank.store, "SELECT COUNT(*) FROM batches") == [(0,)]
    assert await query(bank.store, "SELECT COUNT(*) FROM projects") == [(0,)]
    return str(caught.value)


async def test_a_scanned_pdf_without_text_is_refused(bank):
    message = await refused(bank, "scan.pdf", scanned_pdf())
    assert "scan.pdf: file: has no text layer (a scanned script?)" in message


async def test_an_encrypted_pdf_is_refused(bank):
    _, fountain = sample("night_shift", "fountain")
    message = await refused(bank, "locked.pdf", encrypted_pdf(fountain.decode()))
    assert "locked.pdf: file: is encrypted" in message


async def test_a_pdf_of_prose_is_not_a_screenplay(bank):
    message = await refused(bank, "minutes.pdf", pdf_of_text(PROSE))
    assert "minutes.pdf: file: has no scene headings" in message


async def test_a_fountain_file_of_prose_is_not_a_screenplay(bank):
    message = await refused(bank, "minutes.fountain", "\n\n".join(PROSE).encode())
    assert "does not read as a screenplay" in message


async def test_a_file_that_is_not_a_pdf_at_all_is_refused(bank):
    message = await refused(bank, "fake.pdf", b"just some text pretending\n")
    assert "fake.pdf: file: is not a readable PDF file" in message


async def test_billion_laughs_is_refused_without_expanding(bank):
    message = await refused(bank, "laughs.fdx", BILLION_LAUGHS)
    assert "declares entities in a DTD" in message and "lol" not in message


async def test_an_external_entity_is_refused_and_the_file_is_never_read(bank, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    message = await refused(bank, "xxe.fdx", external_entity_fdx(str(secret)))
    assert "declares an external entity" in message
    assert "TOP-SECRET-CONTENT" not in message


async def test_a_dtd_is_refused(bank):
    message = await refused(bank, "dtd.fdx", DTD_ONLY_FDX)
    assert "declares a DTD" in message


async def test_broken_xml_names_the_line(bank):
    message = await refused(
        bank, "broken.fdx", b"<FinalDraft>\n<Content>\n<Paragraph>\n</FinalDraft>"
    )
    assert "broken.fdx:4: file: is not well-formed XML" in message


async def test_xml_that_is_not_final_draft_is_refused(bank):
    message = await refused(bank, "other.fdx", b"<?xml version='1.0'?><svg></svg>")
    assert "root is <svg>, not a Final Draft" in message


async def test_a_fountain_file_that_is_not_utf8_names_the_line(bank):
    message = await refused(bank, "latin.fountain", "INT. CAFÉ - DAY\n".encode("latin-1"))
    assert "latin.fountain:1: encoding" in message


async def test_one_bad_file_among_good_ones_stores_nothing(bank):
    with pytest.raises(ValidationFailed) as caught:
        await bank.import_script(
            [sample("night_shift", "fountain"), ("scan.pdf", scanned_pdf())],
            settings=SETTINGS,
            unit="scene",
        )
    assert "scan.pdf" in str(caught.value)
    assert await query(bank.store, "SELECT COUNT(*) FROM tasks") == [(0,)]


async def test_a_script_over_the_import_size_limit_is_refused_unread(store, tmp_path):
    from taskbank.service import Defaults, TaskBank

    bank = TaskBank(store, defaults=Defaults(max_import_bytes=1000))
    path = tmp_path / "long.fountain"
    _, data = sample("night_shift", "fountain")
    path.write_bytes(data)
    message = await refused(bank, "long.fountain", data)
    assert "at most 1,000 are accepted" in message
    with pytest.raises(ValidationFailed, match=r"long\.fountain: file: is 1,7"):
        await bank.import_script([path], settings=SETTINGS, unit="scene")


async def test_a_truncated_pdf_is_refused(bank):
    _, data = sample("night_shift", "pdf")
    message = await refused(bank, "cut.pdf", data[: len(data) // 2])
    assert "cut.pdf: file: is not a readable PDF file" in message


async def test_a_pdf_with_a_scanned_page_among_text_pages_is_refused_naming_it(bank):
    import io

    from fpdf import FPDF
    from PIL import Image

    picture = io.BytesIO()
    Image.new("L", (200, 260), 255).save(picture, format="PNG")
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Courier", size=12)
    pdf.add_page()
    for number, line in enumerate(["INT. DINER - NIGHT", "", "Rain.", "", "MARA"]):
        pdf.text(108 + (158 if line == "MARA" else 0), 84 + 12 * number, line)
    pdf.text(180, 84 + 12 * 5, "You kept the key.")
    pdf.add_page()
    pdf.image(io.BytesIO(picture.getvalue()), x=72, y=72, w=400)
    message = await refused(bank, "half.pdf", bytes(pdf.output()))
    assert "pages without a text layer (scanned?): 2" in message
