"""One rule for "no clear consensus": the count `taskbot batch quality` shows is the number of
tasks the adjudication queue serves, on both stores, and the config's [quality] min_confidence
and consensus set that rule for the batches imported under it."""

from __future__ import annotations

import asyncio
import random
import re

import pytest
from typer.testing import CliRunner

from bot.bootstrap import build_bank
from bot.cli import app
from bot.config import Config
from taskbank.errors import NothingToClaim
from taskbank.store import open_store
from tests.batches import TONE_ANSWER, header, jsonl, tone_task

TONES = {  # per writer, task by task: clear, 2 of 3, 1-1-1, clear, 2 of 3, 1-1-1
    "ana": ["tense", "tense", "tense", "warm", "warm", "wry"],
    "ben": ["tense", "tense", "warm", "warm", "warm", "tense"],
    "cy": ["tense", "warm", "comic", "warm", "tense", "warm"],
}


async def answered(url: str, quality: dict[str, object], name: str = "tone-1") -> int:
    """Six tasks answered by three writers, imported under a config with this [quality] table;
    the batch's id."""
    store = open_store(url)
    await store.open()
    try:
        config = Config.model_validate({"quality": quality})
        bank = build_bank(config, store=store, rng=random.Random(5))
        batch = await bank.import_batch(
            jsonl(header(overlap=3, name=name), [tone_task(n) for n in range(1, 7)]),
            filename="r.jsonl",
        )
        for writer, tones in TONES.items():
            while True:
                try:
                    claimed = await bank.claim(writer, batch_id=batch.id)
                except NothingToClaim:
                    break
                number = int(claimed.task.external_id.removeprefix("t-"))
                answer = {**TONE_ANSWER, "tone": tones[number - 1]}
                await bank.submit(
                    claimed.assignment.id, writer, answer, f"{name}-{writer}-{number}"
                )
        return batch.id
    finally:
        await store.close()


async def queued(url: str, batch_id: int) -> list[str]:
    store = open_store(url)
    await store.open()
    try:
        bank = build_bank(Config.model_validate({}), store=store)
        return [d.task.external_id for d in await bank.adjudication_queue(batch_id)]
    finally:
        await store.close()


def shown_count(database: str, tmp_path, batch_id: int) -> tuple[int, str]:
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{database}"\n')
    result = CliRunner().invoke(
        app, ["batch", "quality", str(batch_id), "--resamples", "0", "-c", str(config)]
    )
    assert result.exit_code == 0, result.output
    found = re.search(r"Tasks needing adjudication: (\d+)", result.output)
    assert found, result.output
    return int(found.group(1)), result.output


@pytest.mark.parametrize(
    "quality",
    [{"min_confidence": 0.99}, {"consensus": "vote"}, {"consensus": "vote", "min_confidence": 0.7}],
)
def test_the_figures_count_exactly_the_tasks_sent_to_adjudication(database, tmp_path, quality):
    batch_id = asyncio.run(answered(database, quality))

    count, output = shown_count(database, tmp_path, batch_id)
    waiting = asyncio.run(queued(database, batch_id))

    assert count == len(waiting) > 0
    assert all(external_id in output for external_id in waiting)


def test_the_configured_rule_decides_which_tasks_wait(database, tmp_path):
    by_vote = asyncio.run(answered(database, {"consensus": "vote"}, "by-vote"))
    stricter = asyncio.run(
        answered(database, {"consensus": "vote", "min_confidence": 0.7}, "stricter")
    )
    never = asyncio.run(answered(database, {"min_confidence": 0}, "never"))

    # vote: the two 1-1-1 tasks are tied; under a 0.7 floor the 2-of-3 tasks wait too
    assert asyncio.run(queued(database, by_vote)) == ["t-0003", "t-0006"]
    assert asyncio.run(queued(database, stricter)) == [
        "t-0002", "t-0003", "t-0005", "t-0006"
    ]  # fmt: skip
    assert asyncio.run(queued(database, never)) == []  # the model never ties; nothing is < 0
    assert shown_count(database, tmp_path, never)[0] == 0
