"""A Final Draft file nested deep is refused as no screenplay, and read in time linear in its
size: each paragraph used to scan every open element for a TitlePage, so 1.8 MB nested 300,000
deep took 329 s to refuse (holding a worker thread the whole time). No timing is asserted here
(the machines are shared): at this test's size the old reading took about a second and a half,
the new one a few hundredths."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay.importer import parse_script


def test_a_deeply_nested_fdx_is_refused_as_no_screenplay():
    depth, paragraphs = 20_000, 5_000
    data = (
        b"<FinalDraft>"
        + b"<a>" * depth
        + b"<Paragraph><Text>x</Text></Paragraph>" * paragraphs
        + b"</a>" * depth
        + b"</FinalDraft>"
    )
    with pytest.raises(ValidationFailed, match="does not read as a screenplay"):
        parse_script(data, "deep.fdx")


def test_a_title_page_is_still_left_out_of_the_scenes():
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?><FinalDraft><TitlePage><Content>'
        b"<Paragraph><Text>LOW TIDE</Text></Paragraph></Content></TitlePage><Content>"
        b'<Paragraph Type="Scene Heading"><Text>INT. DINER - NIGHT</Text></Paragraph>'
        b'<Paragraph Type="Character"><Text>MARA</Text></Paragraph>'
        b'<Paragraph Type="Dialogue"><Text>You kept the key.</Text></Paragraph>'
        b"</Content></FinalDraft>"
    )
    script = parse_script(data, "t.fdx")
    assert script.title == "LOW TIDE"
    assert [e.text for e in script.elements] == ["INT. DINER - NIGHT", "MARA", "You kept the key."]
