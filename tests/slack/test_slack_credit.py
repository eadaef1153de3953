"""/credit through the Slack app (signed HTTP into bolt, the fake Web API behind it): a writer
opts in with a project of several words, the answer is private, and the coordinator's export
then carries the name in its contributors file; a bad name is refused saying why."""

from __future__ import annotations

import csv
import io

from tests.batches import TONE_ANSWER, tone_batch
from tests.slack.conftest import COORDINATOR, WRITER
from tests.slack_driver import text_of


async def answered_once(ws) -> None:  # type: ignore[no-untyped-def]
    """The writer has one answer on record (six minutes' work), so /credit has a project."""
    await ws.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    claimed = await ws.bank.claim(f"slack:{WRITER}")
    ws.bank.clock.advance(minutes=6)
    await ws.bank.submit(claimed.assignment.id, f"slack:{WRITER}", TONE_ANSWER, "k")


async def test_a_writer_opts_in_on_slack_and_the_export_credits_them(workspace):
    ws = workspace
    await answered_once(ws)

    await ws.command(WRITER, "/credit", "Test project Rita Moreno")
    answer = await ws.new_card(WRITER, 0)
    assert answer.ephemeral and "Credited on Test project as Rita Moreno" in text_of(answer)

    await ws.command(WRITER, "/credit", "Test project Rita *Moreno*")
    refused = await ws.new_card(WRITER, 1)
    assert "'*' is not allowed" in text_of(refused)

    await ws.command(COORDINATOR, "/batch", "export 1 csv", channel="C0COORDS")
    await ws.wait_for(
        lambda: sum(bool(u.get("completed")) for u in ws.fake.uploads) == 2, "the uploads"
    )
    rows, credits = ws.fake.uploads
    assert WRITER not in rows["content"].decode()
    assert list(csv.reader(io.StringIO(credits["content"].decode())))[1] == [
        "Rita Moreno",
        "1",
        "0.1",
    ]


async def test_entities_slack_sends_in_any_command_read_as_typed(workspace):
    """Slack passes &, < and > on as entities; a command that names nobody (not escaped in the
    manifest) decodes them too, so a credited name with '&' is stored as typed, not refused
    over the ';' of '&amp;'."""
    ws = workspace
    await answered_once(ws)

    await ws.command(WRITER, "/credit", "Test project Ben &amp; Jerry")
    answer = await ws.new_card(WRITER, 0)
    # Shown escaped for mrkdwn (Slack draws "&amp;" as "&"): stored as "Ben & Jerry".
    assert "Credited on Test project as Ben &amp; Jerry\n" in text_of(answer)
