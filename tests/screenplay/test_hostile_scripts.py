"""Script files built to break the import (or broken by accident) are refused at the line that
breaks them, and never lose text silently or hang."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay import plan_script_batch

SETTINGS = {"project": "Hostile", "name": "h", "template": "dialogue_tone", "pay_cents": 40}
FDX_BODY = """<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. HOUSE - DAY</Text></Paragraph>
<Paragraph Type="Character"><Text>MARA</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Hello.</Text></Paragraph>
</Content></FinalDraft>
"""
UNCLOSED_BONEYARD = (
    "INT. HOUSE - DAY\n\nMARA\nHello. /* cut this\n\nINT. GARDEN - NIGHT\n\nJONAH\nGoodbye.\n"
)


def refused(files) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        plan_script_batch(files, SETTINGS, "scene")
    return caught.value


@pytest.mark.parametrize("encoding", ["x-bogus", "rot13", "utf-32", "idna"])
def test_an_fdx_declaring_an_encoding_that_cannot_be_read_is_refused_at_line_1(encoding):
    data = f'<?xml version="1.0" encoding="{encoding}"?>\n{FDX_BODY}'.encode()
    (problem,) = refused([("enc.fdx", data)]).problems
    assert problem.location == "enc.fdx:1"
    assert f"declares the encoding '{encoding}'" in problem.message


def test_an_unclosed_boneyard_is_refused_at_the_line_that_opens_it():
    (problem,) = refused([("cut.fountain", UNCLOSED_BONEYARD.encode())]).problems
    assert problem.location == "cut.fountain:4"
    assert problem.field == "boneyard" and "'/*'" in problem.message


def test_a_closed_boneyard_still_leaves_out_only_what_it_holds():
    text = UNCLOSED_BONEYARD.replace("cut this", "cut this */")
    plan = plan_script_batch([("cut.fountain", text.encode())], SETTINGS, "scene")
    assert len(plan.parsed.tasks) == 2
