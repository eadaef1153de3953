"""Each format recovers the samples exactly: scenes, headings, speakers and every line of dialogue."""

from __future__ import annotations

import pytest

from taskbank.screenplay import UNITS, parse_script, script_units
from taskbank.screenplay.fountain import parse_fountain
from taskbank.screenplay.writers import to_pdf
from tests.screenplay.scripts import FORMATS, courier_pdf, sample

NIGHT_SHIFT_HEADINGS = [
    "INT. HARBOR DINER - NIGHT",
    "EXT. HARBOR DINER - CONTINUOUS",
    "INT. HARBOR DINER - NIGHT",
    "EXT. ALLEY BEHIND THE DINER - NIGHT",
    "INT. MARA'S CAR - MOVING - LATER",
]
NIGHT_SHIFT_CAST = [["JONAH", "MARA"], [], ["MARA", "JONAH"], ["FIGURE", "MARA"], ["MARA"]]
NIGHT_SHIFT_DIALOGUE = [
    ("JONAH", "Kitchen closed an hour ago."),
    ("MARA", "Then why is the grill still hot?"),
    ("JONAH", "Habit."),
    ("MARA", "You kept the key."),
    ("JONAH", "I kept the door. The key kept itself."),
    ("MARA", "Don't be clever. Not tonight."),
    ("MARA", "How long has that car been there?"),
    ("JONAH", "Since before you came in."),
    ("MARA", "Then they followed me."),
    ("JONAH", "Then they were waiting."),
    ("JONAH", "Back door's unlocked. It always is."),
    ("FIGURE", "Miss Voss. You're a hard woman to find."),
    ("MARA", "I wasn't hiding."),
    ("FIGURE", "No. You were waiting for someone to come looking."),
    (
        "MARA",
        "My brother used to say the harbor keeps everything. Boats, debts, people. It just "
        "takes its time giving them back.",
    ),
]
LOW_TIDE_HEADINGS = [
    "EXT. SHINGLE BEACH - DAWN",
    "INT. ASHBY COTTAGE - KITCHEN - DAY",
    "EXT. HARBOUR WALL - DUSK",
    "EXT. SHINGLE BEACH - NIGHT",
]
LOW_TIDE_CAST = [["OWEN", "NELL"], ["RUTH", "OWEN", "NELL"], ["OWEN", "NELL"], []]
LOW_TIDE_DIALOGUE_PER_SCENE = [5, 9, 5, 0]


def dialogue(script) -> list[tuple[str, str]]:
    """Every dialogue paragraph with the speaker of the cue before it."""
    lines, speaker = [], None
    for element in script.elements:
        if element.kind == "cue":
            speaker = element.character
        elif element.kind == "dialogue":
            lines.append((speaker, element.text))
    return lines


@pytest.mark.parametrize("fmt", FORMATS)
def test_night_shift_is_recovered_exactly_from_every_format(fmt):
    script = parse_script(*reversed(sample("night_shift", fmt)))
    assert script.title == "The Night Shift"
    assert [s.heading for s in script.scenes] == NIGHT_SHIFT_HEADINGS
    assert [s.number for s in script.scenes] == ["1", "2", "3", "4", "5"]
    assert [s.characters for s in script.scenes] == NIGHT_SHIFT_CAST
    assert dialogue(script) == NIGHT_SHIFT_DIALOGUE
    assert [s.pages for s in script.scenes] == [(1, 1), (1, 1), (1, 1), (2, 2), (3, 3)]
    assert script.page_count == 3  # the alley starts page 2; === starts page 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_low_tide_is_recovered_exactly_from_every_format(fmt):
    script = parse_script(*reversed(sample("low_tide", fmt)))
    assert [s.heading for s in script.scenes] == LOW_TIDE_HEADINGS
    assert [s.characters for s in script.scenes] == LOW_TIDE_CAST
    assert [sum(e.kind == "dialogue" for e in s.elements) for s in script.scenes] == (
        LOW_TIDE_DIALOGUE_PER_SCENE
    )
    kitchen = script.scenes[1].elements
    dual = [(e.character, e.dual) for e in kitchen if e.kind == "cue" and e.dual]
    assert dual == [("NELL", "left"), ("OWEN", "right")]
    assert [e.text for e in kitchen if e.kind == "parenthetical"] == ["(to Nell)"]


@pytest.mark.parametrize("name", ["night_shift", "low_tide"])
@pytest.mark.parametrize("unit", UNITS)
def test_the_same_script_gives_the_same_units_in_fountain_fdx_and_pdf(name, unit):
    def units(fmt):
        filename, data = sample(name, fmt)
        found = script_units(parse_script(data, filename), unit)
        return [
            (u.external_id.split("#")[1], u.excerpt, u.heading, u.pages, u.characters, u.character)
            for u in found
        ]

    fountain = units("fountain")
    assert fountain
    assert units("fdx") == fountain
    assert units("pdf") == fountain


def test_a_pdf_made_from_the_fountain_during_the_test_reads_back_the_same():
    filename, data = sample("low_tide", "fountain")
    script = parse_fountain(data.decode(), filename)
    pdf = parse_script(to_pdf(script.elements, script.title, script.page_breaks), "low_tide.pdf")
    assert [(e.kind, e.text, e.page, e.dual) for e in pdf.elements] == [
        (e.kind, e.text, e.page, e.dual) for e in script.elements
    ]


FEATURES = """Title: Features
Author: Test

.FLASHBACK - THE PIER

!LOUD NOISES OUTSIDE.

@McCLANE
(to himself)
Yippee.

/* a cut line
JONAH
Never said. */

Action with [[a note]] inside.

BOB
Hi.

ALICE ^
Hey.

> FADE TO BLACK.

===

INT. ROOF - DAY #12A#

MARA (V.O.)
The end.
"""


def test_fountain_forced_elements_dual_dialogue_boneyard_notes_and_page_breaks():
    script = parse_script(FEATURES.encode(), "features.fountain")
    assert script.title == "Features"
    assert [(s.number, s.heading) for s in script.scenes] == [
        ("1", "FLASHBACK - THE PIER"),
        ("12A", "INT. ROOF - DAY"),
    ]
    kinds = [(e.kind, e.text) for e in script.scenes[0].elements[1:]]
    assert kinds == [
        ("action", "LOUD NOISES OUTSIDE."),
        ("cue", "McCLANE"),
        ("parenthetical", "(to himself)"),
        ("dialogue", "Yippee."),
        ("action", "Action with inside."),
        ("cue", "BOB"),
        ("dialogue", "Hi."),
        ("cue", "ALICE"),
        ("dialogue", "Hey."),
        ("transition", "FADE TO BLACK."),
    ]
    assert [e.dual for e in script.scenes[0].elements if e.kind == "cue"] == [None, "left", "right"]
    assert "JONAH" not in script.scenes[0].characters  # in the boneyard
    assert script.scenes[1].elements[0].page == 2  # after ===
    assert script.scenes[1].characters == ["MARA"]
    assert script.scenes[0].lines == (4, 24)


def test_a_pdf_speech_broken_by_more_and_contd_reads_as_one_speech_with_printed_numbers():
    page_one = [
        (-2, 55, "7."),
        (0, -5, "7"),
        (0, 0, "INT. LIGHTHOUSE - NIGHT"),
        (0, 62, "7"),
        (2, 0, "Wind. The lamp turns."),
        (4, 22, "KEEPER"),
        (5, 10, "Forty years I kept this light and"),
        (6, 10, "never once"),
        (7, 22, "(MORE)"),
    ]
    page_two = [
        (-2, 55, "8."),
        (0, 0, "CONTINUED:"),
        (2, 22, "KEEPER (CONT'D)"),
        (3, 10, "did a ship come in."),
        (5, 0, "He climbs."),
    ]
    script = parse_script(courier_pdf([page_one, page_two]), "light.pdf")
    [scene] = script.scenes
    assert (scene.number, scene.heading) == ("7", "INT. LIGHTHOUSE - NIGHT")
    assert [(e.kind, e.text, e.page) for e in scene.elements[1:]] == [
        ("action", "Wind. The lamp turns.", 7),
        ("cue", "KEEPER", 7),
        ("dialogue", "Forty years I kept this light and never once did a ship come in.", 7),
        ("action", "He climbs.", 8),
    ]


def test_a_fountain_file_with_windows_line_ends_reads_the_same():
    from taskbank.sample_scripts import script_file
    from taskbank.screenplay.fountain import parse_fountain

    text = script_file("night_shift.fountain").read_text()
    unix, windows = parse_fountain(text, "n"), parse_fountain(text.replace("\n", "\r\n"), "n")
    assert [
        (s.number, s.heading, [(e.kind, e.text) for e in s.elements]) for s in windows.scenes
    ] == [(s.number, s.heading, [(e.kind, e.text) for e in s.elements]) for s in unix.scenes]


def test_a_line_of_one_stray_space_ends_a_speech_like_a_blank_line():
    from taskbank.screenplay.fountain import parse_fountain

    script = parse_fountain("INT. A - DAY\n\nJONAH\nHi.\n \nMARA\nYo.\n\t\nBOB\nHey.\n", "s")
    cues = [e.text for e in script.scenes[0].elements if e.kind == "cue"]
    assert cues == ["JONAH", "MARA", "BOB"]


def test_an_unnumbered_scene_follows_the_last_number_and_repeats_become_a_scenes():
    from taskbank.screenplay.fountain import parse_fountain

    text = "INT. A - DAY #2#\n\nHi.\n\nINT. B - DAY\n\nYo.\n\nINT. C - DAY #3#\n\nX.\n"
    assert [s.number for s in parse_fountain(text, "s").scenes] == ["2", "3", "3A"]


def test_a_pdf_set_slightly_off_the_courier_grid_keeps_every_letter():
    # Given a PDF from another tool that centres and indents by half columns, so letters sit
    # between the 0.1-inch columns (round-half-even would put two letters on one column)
    from fpdf import FPDF

    from taskbank.screenplay.pdf import parse_pdf

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Courier", size=12)
    lines = [
        (0, "INT. HARBOR DINER - NIGHT"),
        (0, "Rain hammers the windows of the diner all night long."),
        (22, "JONAH"),
        (10, "Since before you came in, and long before the rain."),
        (22, "MARA"),
        (10, "Then they followed me all the way from the school."),
    ]
    y = 84.0
    for column, text in lines:
        pdf.text(108.0 + 7.2 * column + (3.6 if column else 0), y, text)
        y += 24.0

    # When it is read
    script = parse_pdf(bytes(pdf.output()), "drift.pdf")

    # Then the cues and the dialogue come back whole
    elements = [(e.kind, e.text) for s in script.scenes for e in s.elements]
    assert ("cue", "JONAH") in elements and ("cue", "MARA") in elements
    assert ("dialogue", "Since before you came in, and long before the rain.") in elements
    assert ("dialogue", "Then they followed me all the way from the school.") in elements
