"""The SQLite writer in a process of its own keeps the writer thread's guarantees: callers hear back
after the commit, one caller's failure is its own, errors arrive whole, every other write still
works through the proxy, and the death of either process loses nothing acknowledged."""

from __future__ import annotations

import asyncio
import os
import pickle
import signal
import sqlite3
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taskbank.clock import ManualClock
from taskbank.errors import LeaseLost, NotAllowed, NothingToClaim, Problem, ValidationFailed
from taskbank.models import Verdict
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from taskbank.store.sqlite.wire import FrameBuffer, RemoteCall, SqlRow, frame, portable_error
from taskbank.store.sqlite.writer_process import CHUNK, WriterStopped
from tests.batches import TONE_ANSWER, tone_batch
from tests.inspect_db import query


@pytest.fixture
async def process_store(tmp_path):
    store = SqliteStore(tmp_path / "process.db", writer="process")
    await store.open()
    try:
        yield store
    finally:
        await store.close()


def child_pid(store: SqliteStore) -> int:
    process = store.runner.writer._process  # type: ignore[union-attr]
    assert process is not None
    return process.pid


async def test_a_fresh_file_is_migrated_by_the_child_and_serves_claims_and_answers(
    process_store,
):
    assert process_store.migrations_applied[:1] == [1]
    bank = TaskBank(process_store, clock=ManualClock())
    await bank.import_batch(tone_batch(3), filename="b.jsonl")
    claimed = await bank.claim("wendy")
    result = await bank.submit(claimed.assignment.id, "wendy", TONE_ANSWER, "k1")
    assert result.submission.answers == TONE_ANSWER
    again = await bank.submit(claimed.assignment.id, "wendy", TONE_ANSWER, "k1")
    assert again.submission.id == result.submission.id  # a repeat answers with the first
    stored = await query(process_store, "SELECT writer_id, client_key FROM submissions")
    assert [tuple(row) for row in stored] == [("wendy", "k1")]


async def test_claims_waiting_for_the_child_share_one_transaction(process_store):
    bank = TaskBank(process_store, clock=ManualClock())
    await bank.import_batch(tone_batch(100), filename="b.jsonl")
    # The writer thread holds a transaction open in the child (a write of its own, blocked), so
    # every claim sent meanwhile waits there and the next group takes them all.
    started, release = threading.Event(), threading.Event()

    def blocked(connection) -> None:
        started.set()
        release.wait()

    gate = asyncio.create_task(process_store.runner.run(blocked))
    await asyncio.to_thread(started.wait)
    before = process_store.group_commit_stats
    claims = asyncio.gather(*(bank.claim(f"w{n}") for n in range(100)))
    for _ in range(5):
        await asyncio.sleep(0.05)  # every claim handed over to the child
    release.set()
    await gate
    claimed = await claims
    transactions, operations = process_store.group_commit_stats
    assert len({claim.task.id for claim in claimed}) == 100
    assert operations - before[1] == 101  # the claims, and the writer thread's blocked write
    assert transactions - before[0] <= 4  # its own, then one group or a few: not one a claim


async def refusals(store: SqliteStore) -> list[object]:
    """A late answer after another writer took the slot, a good answer and an answer to another
    writer's task, sent in one group."""
    clock = ManualClock()
    bank = TaskBank(store, clock=clock)
    await bank.import_batch(tone_batch(2, lease_minutes=5), filename="b.jsonl")
    late = await bank.claim("late")
    clock.advance(timedelta(minutes=6))
    await bank.claim("taker")  # takes the slot of the late writer's lapsed lease
    fine = await bank.claim("fine")
    return await asyncio.gather(
        bank.submit(late.assignment.id, "late", TONE_ANSWER, "late-1"),
        bank.submit(fine.assignment.id, "fine", TONE_ANSWER, "fine-1"),
        bank.submit(fine.assignment.id, "someone-else", TONE_ANSWER, "other-1"),
        return_exceptions=True,
    )


async def test_one_callers_refusal_is_theirs_and_arrives_as_with_the_thread(tmp_path):
    found = {}
    for writer in ("thread", "process"):
        store = SqliteStore(tmp_path / f"{writer}.db", writer=writer)
        await store.open()
        try:
            found[writer] = await refusals(store)
        finally:
            await store.close()
    lost, kept, refused = found["process"]
    assert isinstance(lost, LeaseLost) and lost.ran_out_at is not None
    assert lost.ran_out_at.tzinfo is not None and "lease ran out at" in str(lost)
    assert not isinstance(kept, BaseException) and kept.submission.writer_id == "fine"
    assert isinstance(refused, NotAllowed)
    for mine, thread in zip(found["process"], found["thread"], strict=True):
        assert type(mine) is type(thread)
        if isinstance(mine, BaseException):
            assert str(mine) == str(thread) and mine.__dict__ == thread.__dict__


@pytest.mark.parametrize(
    "error",
    [
        LeaseLost("someone else has it", ran_out_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ValidationFailed([Problem("tone", "expected one of calm, tense", "line 3")], "refused"),
        NothingToClaim("no task is open", needs_terms_for=4),
        NotAllowed("not yours"),
        sqlite3.IntegrityError("UNIQUE constraint failed: tasks.id"),
    ],
)
def test_errors_cross_to_the_bot_with_their_message_and_fields(error):
    copy = pickle.loads(pickle.dumps(portable_error(error)))
    assert type(copy) is type(error) and str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


def test_an_error_that_does_not_pickle_still_says_what_it_was():
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a}/{b}")

    copy = portable_error(Odd(1, 2))
    assert isinstance(copy, sqlite3.OperationalError) and str(copy) == "Odd: 1/2"


def test_a_row_reads_by_name_and_position_like_sqlite_rows():
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    original = connection.execute("SELECT 1 AS id, 'x' AS name").fetchone()
    row = pickle.loads(pickle.dumps(SqlRow(tuple(original.keys()), tuple(original))))
    assert row["name"] == original["name"] and row[0] == original[0]
    assert dict(row) == dict(original) and list(row) == list(original) and len(row) == 2
    for either in (row, original):
        with pytest.raises(IndexError):
            either["missing"]
    assert row["NAME"] == original["NAME"] == "x"  # names match whatever their case


def test_a_remote_call_crosses_whole_and_runs_the_same():
    call = RemoteCall(divmod, (17,))
    copy = pickle.loads(pickle.dumps(call, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == call and copy.function is divmod and copy.args == (17,)
    assert copy(5) == call(5) == (0, 5)  # function(connection, *args): divmod(5, 17)


@given(
    messages=st.lists(st.recursive(st.integers() | st.text(), st.lists), max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=6),
)
def test_frames_come_out_whole_however_the_bytes_are_cut(messages, cuts):
    data = b"".join(frame(message) for message in messages)
    buffer, found, at = FrameBuffer(), [], 0
    for cut in [*sorted(cut % (len(data) + 1) for cut in cuts), len(data)]:
        buffer.feed(data[at:cut])
        found += buffer.messages()
        at = max(at, cut)
    assert found == messages


async def test_every_other_write_goes_through_the_proxy(process_store):
    clock = ManualClock()
    bank = TaskBank(process_store, clock=clock)
    # Thousands of tasks: the batch's rows cross in several frames of CHUNK rows.
    batch = await bank.import_batch(tone_batch(CHUNK * 2 + 7), filename="big.jsonl")
    assert (await query(process_store, "SELECT count(*) FROM tasks"))[0][0] == CHUNK * 2 + 7
    with pytest.raises(ValidationFailed, match="already"):  # a refusal inside a savepoint
        await bank.import_batch(tone_batch(3), filename="big.jsonl")
    assert (await query(process_store, "SELECT count(*) FROM batches"))[0][0] == 1
    claimed = await bank.claim("wendy")
    answer = await bank.submit(claimed.assignment.id, "wendy", TONE_ANSWER, "k")
    await bank.record_review(answer.submission.id, "rita", Verdict.APPROVED)
    assert len(await process_store.ledger_entries()) == 1
    assert batch.id == claimed.task.batch_id


async def test_text_that_is_not_unicode_is_refused_as_with_the_thread(process_store):
    bank = TaskBank(process_store, clock=ManualClock())
    await bank.import_batch(tone_batch(1), filename="b.jsonl")
    claimed = await bank.claim("wendy")
    with pytest.raises(ValidationFailed, match="not valid Unicode"):
        await bank.submit(claimed.assignment.id, "wendy", {**TONE_ANSWER}, "key-\ud800")
    assert await query(process_store, "SELECT id FROM submissions") == []


async def test_a_dead_child_fails_every_write_saying_so_and_reads_go_on(process_store):
    bank = TaskBank(process_store, clock=ManualClock())
    await bank.import_batch(tone_batch(5), filename="b.jsonl")
    await bank.claim("before")
    os.kill(child_pid(process_store), signal.SIGKILL)
    await asyncio.to_thread(process_store.runner.writer._process.wait)  # type: ignore[union-attr]
    with pytest.raises(WriterStopped, match="writer process stopped"):
        await bank.claim("after")
    with pytest.raises(WriterStopped, match="restart Taskbot"):
        await bank.claim("later")
    assert len(await query(process_store, "SELECT id FROM assignments")) >= 1  # reads still work


_KILLED_BOT = """
import asyncio, sys
from taskbank.clock import ManualClock
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import TONE_ANSWER, tone_batch

async def main():
    store = SqliteStore(sys.argv[1], writer=sys.argv[2])
    await store.open()
    writer = store.runner.writer
    process = writer._process if sys.argv[2] == "process" else writer._process._process
    print("child", process.pid, flush=True)
    bank = TaskBank(store, clock=ManualClock())
    await bank.import_batch(tone_batch(400, overlap=2), filename="b.jsonl")

    async def writer(n):
        while True:
            claimed = await bank.claim(f"w{n}")
            done = await bank.submit(claimed.assignment.id, f"w{n}", TONE_ANSWER, f"w{n}-{claimed.task.id}")
            print(done.submission.id, flush=True)

    await asyncio.gather(*(writer(n) for n in range(50)))

asyncio.run(main())
"""


@pytest.mark.parametrize("writer", ["process", "auto"])
async def test_a_bot_killed_mid_load_loses_no_acknowledged_answer_and_its_child_exits(
    tmp_path, writer
):
    path = tmp_path / "killed.db"
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _KILLED_BOT,
        str(path),
        writer,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert bot.stdout is not None
    child = int((await bot.stdout.readline()).split()[1])
    acknowledged: set[int] = set()
    while len(acknowledged) < 200:
        line = await asyncio.wait_for(bot.stdout.readline(), 60)
        acknowledged.add(int(line))
    bot.send_signal(signal.SIGKILL)  # kill -9 in the middle of the load
    async for line in bot.stdout:  # what it printed before it died was acknowledged too
        if line.strip():
            acknowledged.add(int(line))
    await bot.wait()
    for _ in range(200):  # the child sees its sockets close and exits by itself
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        await asyncio.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the writer process outlived the bot that started it")

    store = SqliteStore(path)
    await store.open()
    try:
        stored = {row[0] for row in await query(store, "SELECT id FROM submissions")}
        over = await query(
            store,
            "SELECT task_id FROM assignments WHERE state IN ('active', 'submitted')"
            " GROUP BY task_id HAVING count(*) > 2",
        )
    finally:
        await store.close()
    assert acknowledged <= stored
    assert over == []


def test_a_writer_setting_other_than_auto_process_or_thread_is_refused_at_its_line(
    runner, tmp_path
):
    from bot.cli import app

    path = tmp_path / "taskbot.toml"
    path.write_text(f'[database]\nurl = "{tmp_path / "x.db"}"\nwriter = "fork"\n')
    result = runner.invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3: database.writer:" in result.stderr
    assert all(f"'{kind}'" in result.stderr for kind in ("auto", "process", "thread"))


@pytest.mark.parametrize(
    ("configured", "serving", "expected"),
    [
        (None, True, "auto"),  # the default
        ("process", True, "process"),
        ("process", False, "thread"),  # a one-shot command
        ("auto", False, "thread"),
        ("thread", True, "thread"),
    ],
)
async def test_the_bot_serves_on_the_configured_writer_and_commands_on_the_thread(
    tmp_path, configured, serving, expected
):
    from bot.bootstrap import opened_bank
    from bot.config import Config

    database = {"url": str(tmp_path / "x.db")} | ({"writer": configured} if configured else {})
    config = Config.model_validate({"database": database})
    async with opened_bank(config, serving=serving) as bank:
        assert bank.store.runner.writer_kind == expected
        await bank.import_batch(tone_batch(1), filename="b.jsonl")
        assert (await bank.claim("wendy")).task.external_id


async def test_a_file_the_child_cannot_open_is_refused_as_the_thread_refuses_it(tmp_path):
    folder = tmp_path / "a-folder.db"
    folder.mkdir()  # a folder where the database file should be
    refused = {}
    for writer in ("thread", "process"):
        with pytest.raises(sqlite3.Error) as caught:
            await SqliteStore(folder, writer=writer).open()
        refused[writer] = caught.value
    assert type(refused["process"]) is type(refused["thread"])
    assert str(refused["process"]) == str(refused["thread"])
