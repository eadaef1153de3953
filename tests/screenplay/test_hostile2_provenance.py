"""What a script's tasks are named by (its file name, its scene numbers, its speakers) is checked
where it comes from: one problem naming the file (and line), not every unit refused by its id."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay.importer import plan_script_batch
from tests.screenplay.scripts import sample

SETTINGS = {"project": "P", "name": "n", "template": "dialogue_tone", "pay_cents": 10}
MOTIVES = {**SETTINGS, "template": "character_motivation"}


def fdx(number: str = "", cue: str = "MARA") -> bytes:
    attribute = f' Number="{number}"' if number else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<FinalDraft DocumentType="Script"><Content>'
        f'<Paragraph Type="Scene Heading"{attribute}><Text>INT. DINER - NIGHT</Text></Paragraph>'
        f'<Paragraph Type="Character"><Text>{cue}</Text></Paragraph>'
        '<Paragraph Type="Dialogue"><Text>You kept the key.</Text></Paragraph>'
        "</Content></FinalDraft>"
    ).encode()


def refusal(files, settings=SETTINGS, unit="scene") -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        plan_script_batch(files, settings, unit)
    return [f"{p.location}: {p.field}: {p.message}" for p in refused.value.problems]


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("1&#10;2", "holds control character U+000A at character 2"),
        ("1\u202e2", "holds the direction control U+202E at character 2"),
        ("12&#9;A", "holds control character U+0009 at character 3"),
    ],
)
def test_a_final_draft_scene_number_that_cannot_name_a_task_is_refused_at_its_line(number, says):
    (problem,) = refusal([("p.fdx", fdx(number))])
    assert problem.startswith(f"p.fdx:2: scene number: {says}")
    assert problem.endswith("; a scene number is like 12, 12A or A-1")


@pytest.mark.parametrize("character", ["\u202e", "\u0007", "\u2028"])
def test_a_script_whose_file_name_cannot_name_its_tasks_is_refused_once(character):
    filename, data = sample("low_tide", "fountain")
    name = filename.replace("_", character)
    problems = refusal([(name, data)])
    assert len(problems) == 1
    assert problems[0].startswith(f"{name}: file name: holds")
    assert problems[0].endswith("; rename the file")


def test_a_file_name_too_long_for_the_ids_is_refused_once_saying_so():
    _, data = sample("low_tide", "fountain")
    name = "l" * 200 + ".fountain"
    assert refusal([(name, data)]) == [
        f"{name}: file name: is 209 characters long; at most 140 fit in the tasks' ids "
        "(file#scene); rename the file"
    ]


def test_a_speaker_of_a_thousand_letters_still_makes_one_character_task():
    plan = plan_script_batch([("p.fdx", fdx(cue="M" * 1000))], MOTIVES, "character-scene")
    (task,) = plan.parsed.tasks
    assert task.external_id == "p.fdx#s001-" + "M" * 40
    assert task.payload["character"] == "M" * 1000


def test_plain_scene_numbers_and_names_still_import():
    plan = plan_script_batch([("Pilot – draft 2.fdx", fdx("12A"))], SETTINGS, "scene")
    assert [t.external_id for t in plan.parsed.tasks] == ["Pilot – draft 2.fdx#s012A"]
