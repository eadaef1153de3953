"""A Fountain script saved as UTF-16 or UTF-32 is refused saying so, at line 1: with a byte-order
mark it was 'byte 0xff is not UTF-8', and without one 'is a binary file, not Fountain text'."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay.importer import parse_script

SCRIPT = "INT. KITCHEN - NIGHT\n\nMARA\nYou kept the key.\n"


@pytest.mark.parametrize(
    ("codec", "encoding"),
    [
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),
        ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_a_wide_fountain_file_is_named(codec, encoding):
    with pytest.raises(ValidationFailed) as refused:
        parse_script(SCRIPT.encode(codec), "pilot.fountain")
    (problem,) = refused.value.problems
    assert (problem.location, problem.field) == ("pilot.fountain:1", "encoding")
    assert problem.message == f"is {encoding} text, not UTF-8; save the file as UTF-8"
    assert "nothing was imported" in str(refused.value)


def test_the_same_script_in_utf8_reads():
    script = parse_script(SCRIPT.encode(), "pilot.fountain")
    assert any(element.kind == "cue" for element in script.elements)
