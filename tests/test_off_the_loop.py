"""The heavy pieces of a request run in worker threads, not on the event loop that answers chats.

Each test watches (with a profile hook on every thread, patching nothing) which thread enters the
heavy function, and checks it is not the loop's. Timing is not asserted: benchmarks/loop_block.py
measures how long the loop is held.
"""

from __future__ import annotations

import asyncio
import gc
import io
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.bootstrap import build_runtime
from bot.chart import tally_chart
from bot.config import Config, ScheduleConfig
from bot.events import Actor, CommandEvent, Place
from bot.extras import module_available
from bot.fairwork_render import rates_summary
from bot.handlers.context import BotContext
from bot.handlers.coordinator import tally_command
from bot.render import tally_card
from bot.roles import Roles
from bot.runtime import Runtime
from bot.scheduler import Jobs
from taskbank.bank import batches
from taskbank.batchfile import parse_batch_file
from taskbank.export import provenance_record
from taskbank.fairpay import compute_rates, hourly_rates
from taskbank.models import Period
from taskbank.sample_scripts import script_file
from taskbank.screenplay import plan_script_batch
from taskbank.screenplay.fountain import parse_fountain
from taskbank.screenplay.pdf import parse_pdf
from taskbank.screenplay.pdfprocess import reader_pids
from taskbank.store import fairwork, reports, rows
from taskbank.store.sqlite import fairwork as sqlite_fairwork
from tests.batches import TONE_ANSWER, tone_batch
from tests.fake_chat import FakeChat

MONDAY_9 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@contextmanager
def threads_entering(
    function: Callable[..., Any], when: Callable[[dict[str, Any]], bool] | None = None
) -> Iterator[list[int]]:
    """The ident of each thread that enters `function` while the block runs (called with
    arguments `when` accepts, given the call's locals)."""
    code = getattr(function, "__code__", None)
    entered: list[int] = []

    def hook(frame: Any, event: str, _: Any) -> None:
        if event == "call" and frame.f_code is code and (when is None or when(frame.f_locals)):
            entered.append(threading.get_ident())

    threading.setprofile(hook)
    sys.setprofile(hook)
    # The hook reaches threads started from now on: the loop gets fresh worker threads.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor())
    try:
        yield entered
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]


async def test_a_batch_file_is_parsed_off_the_event_loop(bank):
    with threads_entering(parse_batch_file) as entered:
        await bank.import_batch(tone_batch(3), filename="tone.jsonl")
    assert entered and threading.get_ident() not in entered


async def test_a_pdf_screenplay_is_read_in_another_process(bank):
    """pdfminer's parsing holds the GIL: in a worker thread it would still keep the loop
    waiting, so no thread of this process reads the PDF; the reader process does."""
    pdf = ("low_tide.pdf", script_file("low_tide.pdf").read_bytes())
    settings = {"project": "P", "name": "tide", "template": "plot_beat", "pay_cents": 40}
    with threads_entering(parse_pdf) as entered:
        imported = await bank.import_script([pdf], settings=settings, unit="scene", dry_run=True)
    assert imported.plan.units and entered == []
    assert reader_pids() and os.getpid() not in reader_pids()


async def test_a_screenplay_is_cut_into_tasks_off_the_event_loop(bank):
    fountain = ("low_tide.fountain", script_file("low_tide.fountain").read_bytes())
    settings = {"project": "P", "name": "tide", "template": "plot_beat", "pay_cents": 40}
    with threads_entering(plan_script_batch) as entered:
        await bank.import_script([fountain], settings=settings, unit="scene", dry_run=True)
    assert entered and threading.get_ident() not in entered


async def test_export_rows_are_written_off_the_event_loop(bank):
    await bank.import_batch(tone_batch(2), filename="tone.jsonl")
    claimed = await bank.claim("ana")
    await bank.submit(claimed.assignment.id, "ana", TONE_ANSWER, "k1")
    with threads_entering(provenance_record) as entered:
        assert await bank.export(claimed.batch.id, io.StringIO(), "jsonl") == 1
    assert entered and threading.get_ident() not in entered


@pytest.mark.skipif(not module_available("matplotlib"), reason="charts need matplotlib")
async def test_the_tally_chart_is_drawn_off_the_event_loop(bank, clock):
    clock.set(MONDAY_9 - timedelta(days=6))
    await bank.import_batch(tone_batch(2), filename="tone.jsonl")
    claimed = await bank.claim("slack:ana")
    clock.advance(seconds=600)
    await bank.submit(claimed.assignment.id, "slack:ana", TONE_ANSWER, "k1")
    clock.set(MONDAY_9)
    chat = FakeChat()
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig(tally_chart=True))
    with threads_entering(tally_chart) as entered:
        await jobs.run_tally()
    assert chat.last("upload").upload.content.startswith(b"\x89PNG")
    assert entered and threading.get_ident() not in entered


def _everyone(values: dict[str, Any]) -> bool:
    """A call about every writer (the summary), not one writer's own card."""
    if "tally" in values:
        return len(values["tally"].lines) > 1
    if "holds" in values:
        return len({hold.writer_id for hold in values["holds"]}) > 1
    return True


async def two_writers_answered_last_week(bank, clock) -> None:
    """Two writers each answer a task of a new batch on the Tuesday before MONDAY_9."""
    clock.set(MONDAY_9 - timedelta(days=6))
    await bank.import_batch(tone_batch(2), filename="tone.jsonl")
    for writer in ("slack:ana", "slack:ben"):
        claimed = await bank.claim(writer)
        clock.advance(seconds=600)
        await bank.submit(claimed.assignment.id, writer, TONE_ANSWER, f"k-{writer}")


@pytest.mark.parametrize("heavy", [tally_card, compute_rates, rates_summary])
async def test_the_tally_summary_is_written_off_the_event_loop(bank, clock, heavy):
    """Every writer's line, rates and their text: thousands of writers' worth on a big bank
    (each writer's own card, with one writer's figures, is small and stays on the loop)."""
    await two_writers_answered_last_week(bank, clock)
    clock.set(MONDAY_9)
    chat = FakeChat()
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig())
    with threads_entering(heavy, _everyone) as entered:
        await jobs.run_tally()
    summary = next(s.card for s in chat.sent if s.kind == "post")
    assert "slack:ana" in " ".join((*summary.blocks, *(f.value for f in summary.fields)))
    assert entered and threading.get_ident() not in entered


async def test_other_work_runs_on_the_loop_while_a_big_batch_is_imported(bank):
    ticks_during_import: list[int] = []
    importing = True

    async def heartbeat() -> None:
        while importing:
            ticks_during_import.append(1)
            await asyncio.sleep(0)

    beating = asyncio.get_running_loop().create_task(heartbeat())
    batch = await bank.import_batch(tone_batch(20_000), filename="tone.jsonl")
    importing = False
    await beating
    assert (await bank.batch_progress(batch.id)).tasks == 20_000
    assert len(ticks_during_import) > 10  # the loop went on while the file was parsed and stored


def _no_full_collection(_: dict[str, Any]) -> bool:
    """Whether full garbage collections are postponed (taskbank.bulkmemory) at this call."""
    return gc.get_threshold()[2] > 1_000_000


async def test_a_screenplay_is_parsed_with_full_collections_postponed(bank):
    """A full collection in the parsing thread walks the script's objects holding the GIL."""
    fountain = ("low_tide.fountain", script_file("low_tide.fountain").read_bytes())
    settings = {"project": "P", "name": "tide", "template": "plot_beat", "pay_cents": 40}
    with threads_entering(parse_fountain, _no_full_collection) as entered:
        await bank.import_script([fountain], settings=settings, unit="scene", dry_run=True)
    assert entered and threading.get_ident() not in entered


async def test_tally_sends_every_private_card_with_full_collections_postponed(bank, clock):
    """`/tally`: every writer's line and card stay alive to the last one sent; a full
    collection meanwhile would walk them all on the loop's thread."""
    await two_writers_answered_last_week(bank, clock)
    clock.set(MONDAY_9 - timedelta(days=1))  # still the week they worked in
    chat = FakeChat()
    ctx = BotContext(bank, chat, Roles(coordinators=("slack:UC",)), time_zone="UTC")
    event = CommandEvent(Actor("slack", "UC"), Place("C0"), "tally", ("week",))
    postponed: list[bool] = []  # at each step of sending a writer's own card
    with threads_entering(Jobs._post_private, lambda v: postponed.append(_no_full_collection(v))):
        await tally_command(ctx, event)
    assert len([sent for sent in chat.sent if sent.kind == "direct"]) == 2
    assert postponed and all(postponed)
    assert not _no_full_collection({})  # and full collections resume after


async def test_the_scheduled_tally_sends_every_private_card_with_full_collections_postponed(
    bank, clock
):
    """The weekly tally, as `/tally`: full collections wait until the last writer's card."""
    await two_writers_answered_last_week(bank, clock)
    clock.set(MONDAY_9)
    chat = FakeChat()
    jobs = Jobs(BotContext(bank, chat, Roles(), time_zone="UTC"), ScheduleConfig())
    postponed: list[bool] = []
    with threads_entering(Jobs._post_private, lambda v: postponed.append(_no_full_collection(v))):
        assert await jobs.run_tally()
    assert len([sent for sent in chat.sent if sent.kind == "direct"]) == 2
    assert postponed and all(postponed)
    assert not _no_full_collection({})


async def test_serving_freezes_the_start_up_heap_and_thaws_it_after(bank):
    """What start-up left alive (pyplot too, when installed) is out of every collection's way
    while the chats are served."""
    runtime = build_runtime(Config.model_validate({}), bank)
    frozen: list[int] = []

    async def chat(served: Runtime) -> None:
        frozen.append(gc.get_freeze_count())

    await runtime.serve([chat])
    assert frozen[0] > 0 and gc.get_freeze_count() == 0
    if module_available("matplotlib"):
        assert "matplotlib.pyplot" in sys.modules


async def test_a_big_tally_is_built_off_the_event_loop_and_a_small_one_on_it(
    bank, clock, monkeypatch
):
    await two_writers_answered_last_week(bank, clock)
    period = Period(MONDAY_9 - timedelta(days=7), MONDAY_9)
    with threads_entering(rows.tally) as entered:
        small = await bank.tally(period)
    assert entered == [threading.get_ident()]  # two writers: no thread hop
    monkeypatch.setattr(rows, "ROWS_ON_THE_LOOP", 1)  # two writers' rows count as many
    with threads_entering(rows.tally) as entered:
        big = await bank.tally(period)
    assert entered and threading.get_ident() not in entered
    assert big == small and big.totals.submitted == 2


async def test_many_holds_are_turned_into_records_off_the_event_loop(bank, clock, monkeypatch):
    """The rates beside a tally read every writer's holds of the period: tens of thousands."""
    await two_writers_answered_last_week(bank, clock)
    period = Period(MONDAY_9 - timedelta(days=7), MONDAY_9)
    with threads_entering(fairwork._holds) as entered:
        few = await hourly_rates(bank, period)
    assert entered == [threading.get_ident()]
    monkeypatch.setattr(rows, "ROWS_ON_THE_LOOP", 1)
    with threads_entering(fairwork._holds) as entered:
        many = await hourly_rates(bank, period)
    assert entered and threading.get_ident() not in entered
    assert many == few and len(many) == 2


async def test_many_fair_work_rows_read_from_sqlite_become_dicts_off_the_event_loop(
    chat_bank, clock, monkeypatch
):
    await two_writers_answered_last_week(chat_bank, clock)
    period = Period(MONDAY_9 - timedelta(days=7), MONDAY_9)
    monkeypatch.setattr(rows, "ROWS_ON_THE_LOOP", 1)
    many = lambda values: len(values["found"]) > 1  # noqa: E731 (the two writers' holds)
    with threads_entering(sqlite_fairwork._as_dicts, many) as entered:
        await hourly_rates(chat_bank, period)
    assert entered and threading.get_ident() not in entered


async def test_serving_stops_the_pdf_reader_when_it_ends(bank):
    """The reader process started by a PDF import ends with serving: nothing is left running."""
    runtime = build_runtime(Config.model_validate({}), bank)
    pdf = ("low_tide.pdf", script_file("low_tide.pdf").read_bytes())
    settings = {"project": "P", "name": "tide", "template": "plot_beat", "pay_cents": 40}
    readers: list[int] = []

    async def chat(served: Runtime) -> None:
        await served.bank.import_script([pdf], settings=settings, unit="scene", dry_run=True)
        readers.extend(reader_pids())

    await runtime.serve([chat])
    assert readers and reader_pids() == []
    assert not set(readers) & {child.pid for child in multiprocessing.active_children()}


async def test_a_big_batchs_gold_is_counted_and_its_export_rows_decoded_off_the_event_loop(
    bank, monkeypatch
):
    """741,412 tasks at the size limit: counting their gold took the loop 55 ms; an export's
    rows are decoded a chunk at a time (each chunk's JSON columns)."""
    monkeypatch.setattr(rows, "ROWS_ON_THE_LOOP", 1)
    with threads_entering(batches._gold_count) as counted:
        await bank.import_batch(tone_batch(2), filename="tone.jsonl")
    assert counted and threading.get_ident() not in counted
    claimed = await bank.claim("ana")
    await bank.submit(claimed.assignment.id, "ana", TONE_ANSWER, "k1")
    claimed = await bank.claim("ben")
    await bank.submit(claimed.assignment.id, "ben", TONE_ANSWER, "k2")
    out = io.StringIO()
    with threads_entering(reports._export_records) as decoded:
        assert await bank.export(claimed.batch.id, out, "csv") == 2
    assert decoded and threading.get_ident() not in decoded
    assert out.getvalue().count("\r\n") == 3  # the header and two answers (CSV line ends)
