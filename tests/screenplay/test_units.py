"""Units and their tasks: ids, provenance, splitting long scenes, skips and template fit."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay import parse_script, plan_script_batch, script_units
from taskbank.templates import MAX_PAYLOAD_CHARS
from tests.inspect_db import query
from tests.screenplay.scripts import sample


def settings(template="dialogue_tone", **extra):
    return {"project": "Scripts", "name": "b", "template": template, "pay_cents": 40, **extra}


def night_shift():
    filename, data = sample("night_shift", "fountain")
    return parse_script(data, filename)


def test_each_unit_kind_has_stable_readable_ids():
    script = night_shift()
    ids = {
        unit: [u.external_id for u in script_units(script, unit)]
        for unit in ("scene", "page", "exchange", "character-scene")
    }
    assert ids["scene"] == [f"night_shift.fountain#s00{n}" for n in range(1, 6)]
    assert ids["page"] == [
        "night_shift.fountain#p001",
        "night_shift.fountain#p002",
        "night_shift.fountain#p003",
    ]
    assert ids["exchange"] == [
        "night_shift.fountain#s001-e01",
        "night_shift.fountain#s003-e01",
        "night_shift.fountain#s004-e01",
        "night_shift.fountain#s005-e01",
    ]
    assert ids["character-scene"][:3] == [
        "night_shift.fountain#s001-JONAH",
        "night_shift.fountain#s001-MARA",
        "night_shift.fountain#s003-MARA",
    ]


def test_a_scene_unit_reads_like_a_script_page_and_carries_its_provenance():
    unit = script_units(night_shift(), "scene")[0]
    assert unit.excerpt.startswith("INT. HARBOR DINER - NIGHT\n\nRain hammers the windows.")
    assert "\n                JONAH\n           (beat)\n        Habit.\n" in unit.excerpt
    assert unit.provenance == (
        "night_shift.fountain · scene 1 · INT. HARBOR DINER - NIGHT · page 1 · lines 8–33 · JONAH, MARA"
    )


def test_a_page_unit_that_starts_mid_scene_is_headed_continued():
    script = parse_script(LONG_SCENE.encode(), "long.fountain")
    second = script_units(script, "page")[1]
    assert second.excerpt.startswith("INT. ENGINE ROOM - NIGHT (CONTINUED)\n\n")


LONG_SCENE = (
    "INT. ENGINE ROOM - NIGHT\n\n"
    + "\n\n".join(
        f"{'ADA' if n % 2 else 'BEN'}\nLine {n}: "
        + "the pressure keeps climbing and nobody listens " * 6
        for n in range(120)
    )
    + "\n\nThe lights die.\n"
)


def test_a_scene_too_long_for_one_task_is_split_into_continued_parts_that_fit():
    script = parse_script(LONG_SCENE.encode(), "long.fountain")
    parts = script_units(script, "scene")
    assert [p.external_id.rsplit("#", 1)[1] for p in parts] == ["s001a", "s001b", "s001c"]
    assert parts[0].excerpt.endswith("(CONTINUED)") and parts[1].excerpt.endswith("(CONTINUED)")
    assert not parts[2].excerpt.endswith("(CONTINUED)")
    assert parts[1].excerpt.startswith("INT. ENGINE ROOM - NIGHT (CONTINUED)\n\n")
    assert all(len(p.excerpt) + len(p.provenance) <= MAX_PAYLOAD_CHARS for p in parts)
    # split between speeches: every part ends a line and the next starts with a cue
    assert parts[1].excerpt.split("\n\n", 1)[1].lstrip().startswith(("ADA", "BEN"))
    plan = plan_script_batch([("long.fountain", LONG_SCENE.encode())], settings(), "scene")
    assert len(plan.parsed.tasks) == 3


def test_scenes_without_dialogue_are_skipped_for_dialogue_templates_and_said_why():
    plan = plan_script_batch([sample("night_shift", "fountain")], settings(), "scene")
    assert [s.external_id for s in plan.skipped] == ["night_shift.fountain#s002"]
    assert "no dialogue" in plan.skipped[0].reason
    assert plan.counts == {"scene": 5, "page": 3, "exchange": 4, "character-scene": 7}
    kept = plan_script_batch([sample("night_shift", "fountain")], settings("plot_beat"), "scene")
    assert not kept.skipped and len(kept.parsed.tasks) == 5


def test_character_motivation_gets_the_character_in_each_task():
    plan = plan_script_batch(
        [sample("low_tide", "fdx")], settings("character_motivation"), "character-scene"
    )
    first = plan.parsed.tasks[0]
    assert first.external_id == "low_tide.fdx#s001-OWEN"
    assert first.payload["character"] == "OWEN"
    assert first.payload["excerpt"].startswith("EXT. SHINGLE BEACH - DAWN")


def test_templates_a_screenplay_cannot_fill_are_refused_before_parsing():
    with pytest.raises(ValidationFailed, match="'rank_endings' needs payload field"):
        plan_script_batch([sample("low_tide", "fountain")], settings("rank_endings"), "scene")
    with pytest.raises(ValidationFailed, match="use unit character-scene"):
        plan_script_batch(
            [sample("low_tide", "fountain")], settings("character_motivation"), "scene"
        )
    with pytest.raises(ValidationFailed, match="unknown unit 'act'"):
        plan_script_batch([sample("low_tide", "fountain")], settings(), "act")


def test_pay_total_counts_overlap_and_is_compared_with_the_budget():
    plan = plan_script_batch(
        [sample("night_shift", "pdf")],
        settings(project={"name": "Capped", "budget_cap_cents": 300}, overlap=2),
        "scene",
    )
    assert plan.pay_total_cents == 4 * 40 * 2
    assert plan.budget_cap_cents == 300


async def test_an_import_stores_every_unit_as_a_task_with_its_provenance(bank):
    result = await bank.import_script(
        [sample("night_shift", "fountain"), sample("low_tide", "pdf")],
        settings=settings("plot_beat"),
        unit="scene",
    )
    rows = await query(
        bank.store, "SELECT external_id FROM tasks WHERE batch_id = ? ORDER BY id", result.batch.id
    )
    assert [r[0] for r in rows][:2] == ["night_shift.fountain#s001", "night_shift.fountain#s002"]
    assert len(rows) == 9
    task = await bank.task(1)
    assert task.payload["source"].startswith("night_shift.fountain · scene 1 · INT. HARBOR DINER")


async def test_a_dry_run_stores_nothing(bank):
    result = await bank.import_script(
        [sample("low_tide", "fountain")], settings=settings(), unit="page", dry_run=True
    )
    assert result.batch is None and len(result.plan.parsed.tasks) == 2
    assert await query(bank.store, "SELECT COUNT(*) FROM tasks") == [(0,)]


async def test_exports_carry_each_tasks_input_and_a_scripts_provenance(bank):
    import csv
    import io
    import json as _json

    from taskbank.sample_scripts import script_file

    data = script_file("night_shift.fountain").read_bytes()
    settings = {"project": "Exports", "name": "ns", "template": "dialogue_tone", "pay_cents": 40}
    result = await bank.import_script(
        [("night_shift.fountain", data)], settings=settings, unit="scene"
    )
    claimed = await bank.claim("w1")
    answer = {"tone": "tense", "genre": ["noir"], "pacing": 3}
    await bank.submit(claimed.assignment.id, "w1", answer, "k")

    out = io.StringIO()
    await bank.export(result.batch.id, out, "jsonl")
    (row,) = [_json.loads(line) for line in out.getvalue().splitlines()]
    assert row["payload"]["excerpt"] == claimed.task.payload["excerpt"]
    assert "INT. HARBOR DINER - NIGHT" in row["payload"]["source"]
    assert row["gold"] is None

    out = io.StringIO()
    await bank.export(result.batch.id, out, "csv")
    (record,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert "scene 1" in record["payload.source"] and record["payload.excerpt"].strip()


async def test_cues_with_accents_or_other_alphabets_are_speakers_with_readable_ids(bank):
    script = (
        "INT. CAFÉ - DAY\n\nJOSÉ\nUn café.\n\nRENÉE (O.S.)\nDeux.\n\n"
        "АННА\nДа.\n\nБОРИС\nНет.\n\nThey sit. An ÉCLAIR waits.\n"
    ).encode()
    settings = {"project": "P", "name": "cafe", "template": "character_motivation", "pay_cents": 9}
    result = await bank.import_script(
        [("cafe.fountain", script)], settings=settings, unit="character-scene", dry_run=True
    )
    ids = [task.external_id for task in result.plan.parsed.tasks]
    assert ids == [
        "cafe.fountain#s001-JOSÉ",
        "cafe.fountain#s001-RENÉE",
        "cafe.fountain#s001-АННА",
        "cafe.fountain#s001-БОРИС",
    ]


async def test_a_dry_run_refuses_a_batch_name_the_project_already_has(bank):
    import pytest

    from taskbank.errors import ValidationFailed
    from taskbank.sample_scripts import script_file

    data = script_file("night_shift.fountain").read_bytes()
    settings = {"project": "P", "name": "twice", "template": "dialogue_tone", "pay_cents": 9}
    await bank.import_script([("n.fountain", data)], settings=settings, unit="scene")
    with pytest.raises(ValidationFailed, match="already exists in this project"):
        await bank.import_script(
            [("n.fountain", data)], settings=settings, unit="scene", dry_run=True
        )
    other = {**settings, "project": "Q"}
    preview = await bank.import_script(
        [("n.fountain", data)], settings=other, unit="scene", dry_run=True
    )
    assert preview.batch is None and len(await bank.list_batches()) == 1


async def test_a_script_batch_whose_deadline_has_passed_is_refused(bank):
    import pytest

    from taskbank.errors import ValidationFailed
    from taskbank.sample_scripts import script_file

    data = script_file("night_shift.fountain").read_bytes()
    settings = {
        "project": "P",
        "name": "late",
        "template": "dialogue_tone",
        "pay_cents": 9,
        "deadline": "2020-01-01T00:00:00+00:00",
    }
    with pytest.raises(ValidationFailed, match="has already passed"):
        await bank.import_script([("n.fountain", data)], settings=settings, unit="scene")
    assert await bank.list_batches() == []
