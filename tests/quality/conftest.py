"""Builders for the quality tests: batches answered by several writers through the TaskBank."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from taskbank.errors import NothingToClaim
from taskbank.service import TaskBank
from tests.batches import header, jsonl
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema


def batch_file(
    questions: list[dict[str, Any]],
    count: int,
    *,
    overlap: int,
    gold: Mapping[int, dict[str, Any]] | None = None,
    payload: Mapping[int, dict[str, Any]] | None = None,
) -> bytes:
    """A custom-template batch of `count` tasks asking `questions`, optionally with gold."""
    settings = header(
        name="quality-1",
        template="custom",
        overlap=overlap,
        payload_fields={"excerpt": "text", "items": "text list"},
        questions=questions,
    )
    tasks = []
    for number in range(1, count + 1):
        task: dict[str, Any] = {
            "id": f"u-{number:02d}",
            "payload": {"excerpt": f"Excerpt {number}.", "items": ["a", "b", "c"]},
        }
        task["payload"].update((payload or {}).get(number, {}))
        if gold and number in gold:
            task["gold"] = gold[number]
        tasks.append(task)
    return jsonl(settings, tasks)


async def answer_in_order(
    bank: TaskBank, batch_id: int, writer: str, answers: Sequence[dict[str, Any] | None]
) -> None:
    """The writer claims the batch's tasks one by one, whatever order the bank hands them out in,
    and answers task u-NN with answers[NN − 1] through the bank; None skips that task, so it
    stays unanswered by them."""
    for _ in range(len(answers)):
        try:
            claimed = await bank.claim(writer, batch_id=batch_id)
        except NothingToClaim:
            raise AssertionError(f"{writer} found nothing more to claim") from None
        number = int(claimed.task.external_id.removeprefix("u-"))
        answer = answers[number - 1]
        if answer is None:
            await bank.skip(claimed.assignment.id, writer)
        else:
            await bank.submit(claimed.assignment.id, writer, answer, f"{writer}-{number}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):  # type: ignore[no-untyped-def]
    """A database URL for the command line's tests: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "quality.db")
        return
    schema = asyncio.run(postgres_schema())
    try:
        yield f"{POSTGRES_URL}?search_path={schema}"
    finally:
        asyncio.run(drop_schema(schema))
