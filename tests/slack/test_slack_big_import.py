"""A big import does not freeze Slack: while a coordinator's `/batch import` of a file near the
size limit is parsed and stored, other writers' signed `/task` requests are still acknowledged
within Slack's 3 seconds (the protocol's deadline; Slack shows an error to anyone answered later).
"""

from __future__ import annotations

import asyncio
import time

from tests.batches import header, jsonl
from tests.slack.conftest import COORDINATOR
from tests.slack_driver import text_of

SLACK_ACK_DEADLINE = 3.0
WRITERS = 30  # at least this many, in waves of three, until the import has finished
WAVE = 3
GIVE_UP_SECONDS = 300
LINE = "INT. KITCHEN — NIGHT. Mara slams the drawer and says nothing at all. " * 28


def big_batch(megabytes: int) -> bytes:
    """A well-formed JSONL batch of about `megabytes` MB (2 KB tasks)."""
    count = megabytes * 1024 * 1024 // (len(LINE) + 60)
    tasks = [{"id": f"t-{i:06d}", "payload": {"excerpt": f"{i} {LINE}"}} for i in range(count)]
    return jsonl(header(name="big"), tasks)


async def acknowledged_in(workspace, writer: str) -> tuple[int, float]:
    started = time.monotonic()
    status, _ = await workspace.command(writer, "/task")
    return status, time.monotonic() - started


async def test_writers_are_acknowledged_in_time_while_a_near_limit_file_imports(workspace):
    fake = workspace.fake
    limit = workspace.bank.defaults.max_import_bytes
    data = big_batch(45)
    assert limit - 8 * 1024 * 1024 < len(data) <= limit  # near the largest accepted size
    shared = fake.share_file("big.jsonl", data)

    # Given a coordinator's import under way (its file fetched, being parsed and stored)
    status, _ = await workspace.command(
        COORDINATOR, "/batch", f"import {fake.link(shared)}", channel="C0COORDS"
    )
    assert status == 200
    await workspace.wait_for(lambda: fake.downloads, "the import's download")

    # When writers send /task meanwhile, wave after wave, for as long as the import lasts
    started = time.monotonic()
    answers: list[tuple[int, float]] = []
    during = 0
    while len(answers) < WRITERS or not workspace.visible_to(COORDINATOR):
        wave = [f"U0W{len(answers) + n:04d}" for n in range(WAVE)]
        answers += await asyncio.gather(*(acknowledged_in(workspace, w) for w in wave))
        if not workspace.visible_to(COORDINATOR):
            during += WAVE
        # A shared machine may parse slowly: past the first writers, waves are paced, and the
        # bound is generous time, not a count of requests.
        if len(answers) >= WRITERS:
            await asyncio.sleep(0.1)
        assert time.monotonic() - started < GIVE_UP_SECONDS, "the import never finished"
    took = time.monotonic() - started

    # Then each was acknowledged within Slack's deadline, and the import completed
    (card,) = workspace.visible_to(COORDINATOR)
    assert "Imported batch 1: big" in text_of(card)
    slowest = max(seconds for _, seconds in answers)
    print(
        f"\n{len(data):,}-byte import: {took:.2f} s; {during} of {len(answers)} /task sent during"
        f" it; slowest acknowledgement {slowest:.2f} s"
    )
    assert during >= WAVE, "the writers' requests must overlap the import"
    assert [status for status, _ in answers] == [200] * len(answers)
    assert slowest < SLACK_ACK_DEADLINE
