"""A locked draft's own scene numbers: distinct numbers give distinct task ids, and a number too
long to be one is refused at its line."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay import plan_script_batch

SETTINGS = {"project": "Numbers", "name": "n", "template": "dialogue_tone", "pay_cents": 40}
NINES = "9" * 5000


def fountain(*numbers: str) -> bytes:
    scenes = [
        f"INT. ROOM {index} - DAY #{n}#\n\nMARA\nLine {index}.\n" for index, n in enumerate(numbers)
    ]
    return "\n".join(scenes).encode()


def fdx(number: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Number="{number}" Type="Scene Heading"><Text>INT. HOUSE - DAY</Text></Paragraph>
<Paragraph Type="Character"><Text>MARA</Text></Paragraph>
<Paragraph Type="Dialogue"><Text>Hello.</Text></Paragraph>
</Content></FinalDraft>
""".encode()


def scene_ids(data: bytes) -> list[str]:
    plan = plan_script_batch([("s.fountain", data)], SETTINGS, "scene")
    return [task.external_id for task in plan.parsed.tasks]


@pytest.mark.parametrize("numbers", [("1", "01"), ("A-1", "A.1"), ("12", "12", "12A")])
def test_distinct_or_repeated_scene_numbers_give_distinct_ids(numbers):
    ids = scene_ids(fountain(*numbers))
    assert len(ids) == len(numbers) == len(set(ids))


def test_a_scene_keeps_its_own_number_in_the_provenance():
    plan = plan_script_batch([("s.fountain", fountain("1", "01"))], SETTINGS, "scene")
    sources = [task.payload["source"] for task in plan.parsed.tasks]
    assert "scene 1 ·" in sources[0] and "scene 01 ·" in sources[1]


@pytest.mark.parametrize(
    ("filename", "data", "line"),
    [
        ("long.fountain", f"INT. HOUSE - DAY #{NINES}#\n\nMARA\nHello.\n".encode(), 1),
        ("long.fdx", fdx(NINES), 3),
    ],
)
def test_a_scene_number_thousands_of_digits_long_is_refused_at_its_line(filename, data, line):
    with pytest.raises(ValidationFailed) as caught:
        plan_script_batch([(filename, data)], SETTINGS, "scene")
    (problem,) = caught.value.problems
    assert problem.location == f"{filename}:{line}"
    assert problem.field == "scene number"
    assert "5,000 characters" in problem.message and NINES not in str(caught.value)
