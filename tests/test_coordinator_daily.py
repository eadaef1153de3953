"""A coordinator's day in chat and from the scheduler: the batch list says what the CLI table
says, closing is final, status shows the budget and only a throughput worth reading, a new
database posts no tally for the time before it existed, and a quick stop logs no error."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from bot.app import Taskbot
from bot.cli import app
from bot.config import ScheduleConfig
from bot.events import Actor, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.roles import Roles
from bot.scheduler import Jobs, stops_quietly
from tests.batches import TONE_ANSWER, tone_batch
from tests.fake_chat import FakeChat

CORA = Actor("test", "cora")
HERE = Place("general")


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def taskbot(bank, chat) -> Taskbot:
    roles = Roles(writers=("*",), coordinators=("test:cora",))
    return Taskbot(BotContext(bank, chat, roles, time_zone="UTC"))


async def say(taskbot, chat, *args):
    await taskbot.handle(CommandEvent(CORA, HERE, args[0], tuple(args[1:]), ()))
    return chat.last().card


async def test_the_chat_batch_list_shows_what_the_cli_table_shows(taskbot, chat, bank):
    batch = await bank.import_batch(tone_batch(3, overlap=2), filename="b.jsonl")
    claimed = await bank.claim("test:wendy")
    await bank.submit(claimed.assignment.id, "test:wendy", TONE_ANSWER, "k1")
    card = await say(taskbot, chat, "batch", "list")
    assert card.blocks[0] == (
        f"{batch.id}: tone-1 (dialogue_tone, open) · $0.40 × overlap 2 · 3 tasks · "
        "1 answer (16% done) · 0 approved"  # 1 of 6, rounded down
    )


async def test_an_empty_bank_says_how_to_import(taskbot, chat):
    card = await say(taskbot, chat, "batch", "list")
    assert "attach a JSONL file to /batch import" in card.blocks[0]


async def test_closing_is_final_and_the_card_says_so(taskbot, chat, bank):
    batch = await bank.import_batch(tone_batch(1), filename="b.jsonl")
    closed = await say(taskbot, chat, "batch", "close", str(batch.id))
    assert "Closing is final" in closed.blocks[0]
    refused = await say(taskbot, chat, "batch", "resume", str(batch.id))
    assert "is closed, and closing is final" in refused.blocks[0]
    assert (await bank.batch(batch.id)).state.value == "closed"
    status = await say(taskbot, chat, "batch", "status", str(batch.id))
    assert any(f.label == "Closed" for f in status.fields)


async def test_status_shows_the_budget_spent_and_left(taskbot, chat, bank):
    batch = await bank.import_batch(
        tone_batch(3, project={"name": "Capped", "budget_cap_cents": 100}), filename="b.jsonl"
    )
    status = await say(taskbot, chat, "batch", "status", str(batch.id))
    budget = next(f.value for f in status.fields if f.label == "Budget")
    assert budget == "$0.00 spent of $1.00; $1.00 left"


async def test_throughput_waits_for_enough_answers(taskbot, chat, bank, clock):
    batch = await bank.import_batch(tone_batch(3), filename="b.jsonl")
    for number in range(2):
        claimed = await bank.claim(f"test:w{number}")
        clock.advance(seconds=3)
        await bank.submit(claimed.assignment.id, f"test:w{number}", TONE_ANSWER, f"k{number}")
    status = await say(taskbot, chat, "batch", "status", str(batch.id))
    throughput = next(f.value for f in status.fields if f.label == "Throughput")
    assert throughput.startswith("— (shown from 5 answers")


async def test_a_new_database_posts_no_tally_for_the_week_before_it(bank, clock, chat):
    # given a database whose first batch came on a Tuesday, after Monday's tally time
    clock.set(datetime(2026, 11, 17, 10, 0, tzinfo=UTC))
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig())
    # when the tally job catches up at start
    posted = await jobs.run_tally()
    # then the week before it existed gets no (empty) tally
    assert posted == [] and chat.sent == []
    # and the first week it existed is posted when its time comes
    clock.set(datetime(2026, 11, 23, 9, 1, tzinfo=UTC))
    assert await jobs.run_tally() == ["week:2026-11-16"]


async def test_an_empty_database_posts_no_tally(bank, clock, chat):
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig())
    assert await jobs.run_tally() == [] and chat.sent == []


async def test_a_job_cancelled_by_the_shutdown_ends_without_an_error():
    started = asyncio.Event()

    async def long_job() -> None:
        started.set()
        await asyncio.Event().wait()

    running = asyncio.ensure_future(stops_quietly(long_job, "tally")())
    await started.wait()
    running.cancel()
    assert await running is None  # no CancelledError escapes to the scheduler's error log


def test_a_quick_quit_from_taskbot_run_logs_no_cancelled_job(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "run.db"}"\n')
    env = {**os.environ, "COLUMNS": "120"}
    command = [sys.executable, "-m", "bot.cli"]
    subprocess.run(
        [*command, "batch", "import", "--samples", "-c", str(config)], env=env, check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    done = subprocess.run(
        [*command, "run", "-c", str(config)], input="/quit\n", env=env, text=True,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0
    assert "CancelledError" not in done.stderr and "raised an exception" not in done.stderr


async def test_status_card_and_list_for_a_writer_who_is_not_a_coordinator(bank, chat):
    taskbot = Taskbot(BotContext(bank, chat, Roles(writers=("*",)), time_zone="UTC"))
    await taskbot.handle(CommandEvent(Actor("test", "wendy"), HERE, "batch", ("list",), ()))
    assert chat.last().card.title == "Not allowed"


# -- budget caps ----------------------------------------------------------------------------


def capped_batch(count: int, cap: int) -> bytes:
    return tone_batch(count, project={"name": "Capped", "budget_cap_cents": cap})


async def test_coordinators_hear_once_when_a_batch_stops_for_budget(bank, chat):
    # given a $1.00 cap and $0.40 tasks, two of them claimed
    await bank.import_batch(capped_batch(3, 100), filename="b.jsonl")
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig())
    assert await jobs.run_budget_watch() == 0  # $1.00 left: nothing to say yet
    await bank.claim("test:ana")
    await bank.claim("test:ben")
    # when the watch runs (twice)
    sent = [await jobs.run_budget_watch(), await jobs.run_budget_watch()]
    # then coordinators were told once, with the numbers
    assert sent == [1, 0]
    (notice,) = [s for s in chat.sent if s.kind == "post"]
    assert notice.place.channel_id == "coordinators"
    assert notice.card.title == "Batch 1 tone-1 stopped: its budget is used up"
    assert "$0.00 spent of $1.00; $0.80 promised; $0.20 left" in notice.card.blocks[0]


async def test_status_says_claims_stopped_for_budget(taskbot, chat, bank):
    batch = await bank.import_batch(capped_batch(3, 50), filename="b.jsonl")
    await bank.claim("test:ana")
    status = await say(taskbot, chat, "batch", "status", str(batch.id))
    budget = next(f.value for f in status.fields if f.label == "Budget")
    assert budget.endswith("$0.10 left — not enough for another task: claims have stopped")


def test_importing_more_work_than_the_cap_warns(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "t.db"}"\n')
    path = tmp_path / "big.jsonl"
    path.write_bytes(capped_batch(50, 500))  # 50 × $0.40 = $20.00 of work, a $5.00 cap
    result = CliRunner().invoke(app, ["batch", "import", str(path), "-c", str(config)])
    assert result.exit_code == 0
    assert "warning: this batch's 50 answers at $0.40 cost $20.00" in result.stderr
    assert "claims stop after about 12 answers" in result.stderr


def test_importing_work_within_the_cap_says_nothing_of_budget(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "t.db"}"\n')
    path = tmp_path / "small.jsonl"
    path.write_bytes(capped_batch(2, 500))
    result = CliRunner().invoke(app, ["batch", "import", str(path), "-c", str(config)])
    assert result.exit_code == 0 and "warning" not in result.stderr
