"""PDFs are read in a child process (taskbank/screenplay/pdfprocess.py): its refusals come back
exactly as parse_pdf gives them, and a PDF that reads too long, needs too much memory or has its
reader killed is refused saying so, while the next PDF gets a fresh reader.

The reader is shared by every test (starting one costs most of a second); those that kill it
leave the next one to start a fresh reader."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay import parse_script, pdfprocess
from taskbank.screenplay.pdf import parse_pdf
from taskbank.screenplay.pdfprocess import read_pdf, reader_pids, stop_pdf_reader
from tests.screenplay.scripts import encrypted_pdf, inflating_pdf, sample, scanned_pdf

ADVICE = "export the PDF again from the screenwriting app, or import the .fountain or .fdx file"


def _gone(pid: int) -> bool:
    """Whether the process has ended and been reaped (no zombie left behind)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _refusal(data: bytes, name: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as refused:
        parse_script(data, name)
    return refused.value


@pytest.fixture
def night_shift() -> tuple[bytes, str]:
    """A readable screenplay PDF, read once so that a reader is running."""
    name, data = sample("night_shift", "pdf")
    parse_script(data, name)
    return data, name


@pytest.mark.parametrize(
    "name, data",
    [
        ("fake.pdf", b"just some text pretending\n"),
        ("scan.pdf", scanned_pdf()),
        ("locked.pdf", encrypted_pdf(sample("night_shift", "fountain")[1].decode())),
    ],
)
def test_a_refusal_comes_back_from_the_reader_exactly_as_parse_pdf_gives_it(name, data):
    with pytest.raises(ValidationFailed) as here:
        parse_pdf(data, name)
    with pytest.raises(ValidationFailed) as there:
        read_pdf(data, name)
    assert str(there.value) == str(here.value)
    assert there.value.problems == here.value.problems


def test_a_pdf_is_read_in_a_child_process_that_stays_for_the_next(night_shift):
    (reader,) = reader_pids()
    assert reader != os.getpid()
    assert reader in [child.pid for child in multiprocessing.active_children()]
    parse_script(*night_shift)
    assert reader_pids() == [reader]


def test_a_pdf_that_reads_past_the_time_limit_is_refused_and_the_next_is_read(
    night_shift, monkeypatch
):
    (reader,) = reader_pids()
    monkeypatch.setattr(pdfprocess, "TIME_LIMIT_SECONDS", 0.001)
    refusal = _refusal(*night_shift)
    assert str(refusal) == (
        "night_shift.pdf: refused; nothing was imported\n  - night_shift.pdf: file: took longer "
        f"than 0.001 s to read; the PDF may be damaged: {ADVICE}"
    )
    assert _gone(reader)  # killed, not left reading
    monkeypatch.undo()
    assert parse_script(*night_shift).scenes
    assert reader_pids() and reader_pids() != [reader]


class _KillTheReader(logging.Handler):
    """Kills the reader process as soon as a PDF has been handed to it."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("reading "):
            for pid in reader_pids():
                os.kill(pid, signal.SIGKILL)


@contextmanager
def reader_killed_when_reading() -> Iterator[None]:
    """While the block runs, each PDF's reader is killed once the PDF is handed to it."""
    logger = logging.getLogger(pdfprocess.__name__)
    killer, level = _KillTheReader(), logger.level
    logger.addHandler(killer)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(killer)
        logger.setLevel(level)


def test_a_pdf_whose_reader_is_killed_is_refused_and_the_next_is_read(night_shift):
    (reader,) = reader_pids()
    with reader_killed_when_reading():
        refusal = _refusal(*night_shift)
    assert str(refusal).endswith(
        "night_shift.pdf: file: stopped the PDF reader while it was read (it crashed, ran out "
        f"of memory or was stopped); {ADVICE}"
    )
    assert _gone(reader)
    assert parse_script(*night_shift).scenes
    assert reader_pids() and reader_pids() != [reader]


@pytest.fixture
def small_reader(monkeypatch) -> Iterator[int]:
    """A reader whose address space is bounded at 256 MiB (and a normal one after)."""
    stop_pdf_reader()
    monkeypatch.setattr(pdfprocess, "MEMORY_LIMIT_BYTES", 256 * 1024**2)
    try:
        yield 256
    finally:
        stop_pdf_reader()


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_a_pdf_that_inflates_past_the_memory_limit_is_refused_and_its_reader_replaced(
    small_reader,
):
    refusal = _refusal(inflating_pdf(2 * small_reader), "bomb.pdf")
    assert str(refusal).endswith(
        f"bomb.pdf: file: needs more than 0.25 GiB of memory to read; {ADVICE}"
    )
    assert reader_pids() == []  # the spent reader is gone; the next PDF starts a fresh one
    name, data = sample("night_shift", "pdf")
    assert parse_script(data, name).scenes


def test_stopping_the_reader_ends_its_process_and_the_next_pdf_starts_one(night_shift):
    (reader,) = reader_pids()
    stop_pdf_reader()
    assert reader_pids() == [] and _gone(reader)
    assert parse_script(*night_shift).scenes and reader_pids()
