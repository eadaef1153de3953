"""A Fountain line flooded with boneyard or note markers is refused at its line: fountain-py
reads them by recursion, so 100,000 '/*' raised RecursionError and 100,000 '[[' took minutes."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay.importer import parse_script

HEAD = "INT. HOUSE - DAY\n\nMARA\nHi.\n\n"


@pytest.mark.parametrize("marker", ["/*", "[["])
def test_a_line_of_a_hundred_thousand_markers_is_refused_at_its_line(marker):
    data = (HEAD + marker * 100_000 + "\n").encode()
    with pytest.raises(ValidationFailed) as refused:
        parse_script(data, "flood.fountain")
    (problem,) = refused.value.problems
    assert problem.location == "flood.fountain:6" and problem.field == "markup"
    assert "boneyard or note markers on one line" in problem.message


def test_ordinary_notes_and_boneyards_still_read():
    data = (HEAD + "[[a note]] /* cut */ " * 20 + "\n\nMARA\nStill here.\n").encode()
    script = parse_script(data, "notes.fountain")
    assert "Still here." in [e.text for e in script.elements]
