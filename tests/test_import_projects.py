"""A batch joins an existing project as the project is: settings that differ from it are refused
(they had been ignored without a word), and a name that differs only in case, or by a space or an
invisible character at an end, does not start a second project."""

from __future__ import annotations

import pytest

from taskbank.errors import ValidationFailed
from tests.batches import tone_batch

ACME = {"name": "Acme", "terms": "Old terms", "budget_cap_cents": 100}


async def refused(bank, data: bytes) -> ValidationFailed:
    before = len(await bank.list_batches())
    with pytest.raises(ValidationFailed) as raised:
        await bank.import_batch(data, filename="b.jsonl")
    assert len(await bank.list_batches()) == before
    return raised.value


async def test_a_later_batch_with_other_project_settings_is_refused(bank):
    await bank.import_batch(tone_batch(1, project=ACME, name="one"), filename="a.jsonl")
    changed = {**ACME, "terms": "NEW terms", "budget_cap_cents": 1_000_000}
    failure = await refused(bank, tone_batch(1, project=changed, name="two"))
    (problem,) = failure.problems
    assert problem.location == "b.jsonl:1" and problem.field == "project.budget_cap_cents"
    assert "already exists with other budget_cap_cents, terms" in problem.message
    project = await bank.project((await bank.list_batches())[0].project_id)
    assert (project.terms, project.budget_cap_cents) == ("Old terms", 100)


async def test_a_later_batch_naming_the_project_alone_or_as_it_is_joins_it(bank):
    first = await bank.import_batch(tone_batch(1, project=ACME, name="one"), filename="a.jsonl")
    by_name = await bank.import_batch(tone_batch(1, project="Acme", name="two"), filename="b.jsonl")
    same = await bank.import_batch(tone_batch(1, project=ACME, name="three"), filename="c.jsonl")
    assert first.project_id == by_name.project_id == same.project_id


@pytest.mark.parametrize("name", ["acme", "ACME"])
async def test_a_name_differing_only_in_case_is_refused(bank, name):
    await bank.import_batch(tone_batch(1, project="Acme", name="one"), filename="a.jsonl")
    (problem,) = (await refused(bank, tone_batch(1, project=name, name="two"))).problems
    assert problem.field == "project.name" and "a project named 'Acme' exists" in problem.message


@pytest.mark.parametrize("name", ["Acme ", " Acme", "Acme\u200b"])
async def test_a_name_with_a_space_or_invisible_character_at_an_end_is_refused(bank, name):
    failure = await refused(bank, tone_batch(1, project=name))
    assert "project" in failure.problems[0].field
