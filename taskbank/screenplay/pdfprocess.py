"""PDF screenplays read in a child process, so that pdfminer's pure-Python parsing holds the
child's GIL and never this process's (where it kept the event loop waiting for 20-50 ms at a time,
though it ran in a worker thread). The child also bounds what a hostile PDF can cost: a time limit
per file, after which the child is killed, and a limit on its address space (where the platform
has one), so a decompression bomb fails there with MemoryError instead of taking the machine.

One reader process serves the whole process, started on the first PDF (a fresh interpreter:
`spawn`, never `fork`, since this process runs threads), and replaced after it is killed or dies.
It reads one PDF at a time, so each file's time limit counts its own reading only. As with any
`spawn` child, the reader imports the program's main module again: a program that imports PDFs
keeps its work under `if __name__ == "__main__":` (the taskbot command, pytest and the benchmarks
do).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from taskbank.errors import Problem, ValidationFailed
from taskbank.screenplay.model import Script
from taskbank.screenplay.pdf import _refused, parse_pdf

log = logging.getLogger(__name__)

# A feature-length script reads in a second or two; a file that takes a minute is built to be slow.
TIME_LIMIT_SECONDS = 60.0
# The reader's address space: reading a screenplay needs a few hundred megabytes at most.
MEMORY_LIMIT_BYTES = 2 * 1024**3
# How long a fresh reader may take to start (a new interpreter importing pdfplumber).
START_SECONDS = 60.0
# What the reader imports before its first PDF (parse_pdf's own imports).
PDF_READER = ("pdfplumber", "pdfminer.layout")
ADVICE = "export the PDF again from the screenwriting app, or import the .fountain or .fdx file"
_STOPPED = (
    "stopped the PDF reader while it was read (it crashed, ran out of memory or was stopped); "
    + ADVICE
)

_reading = threading.Lock()  # one PDF at a time
_guard = threading.Lock()  # the pool below, replaced or stopped from any thread
_pool: ProcessPoolExecutor | None = None
_memory_limit = MEMORY_LIMIT_BYTES  # in the reader: the limit it was started with


@dataclass(frozen=True)
class _Read:
    """What the reader sends back: the script, or its refusal's problems and summary (a
    ValidationFailed does not survive pickling: its summary is a keyword argument)."""

    script: Script | None
    problems: tuple[Problem, ...] = ()
    summary: str = ""
    pid: int = 0
    spent: bool = False  # it ran out of memory: start a fresh reader for the next file


def read_pdf(data: bytes, source: str) -> Script:
    """`parse_pdf` run in the reader process, this thread waiting for it without the GIL; its
    refusals are raised here as they are, and a PDF that takes longer than TIME_LIMIT_SECONDS,
    needs more than MEMORY_LIMIT_BYTES or stops the reader is refused too, saying so."""
    limit = TIME_LIMIT_SECONDS
    with _reading:
        pool = _started_pool(source)
        started = time.perf_counter()
        try:
            future = pool.submit(_read_in_child, data, source)
        except RuntimeError:  # broken, or stopped since (stop_pdf_reader in another thread)
            _discard(pool)
            raise _refused(source, _STOPPED) from None
        log.debug("reading %s in process %s", source, ", ".join(map(str, reader_pids())))
        try:
            read = future.result(timeout=limit)
        except FutureTimeout:
            _discard(pool)
            raise _refused(
                source, f"took longer than {limit:g} s to read; the PDF may be damaged: {ADVICE}"
            ) from None
        except (BrokenProcessPool, CancelledError):
            _discard(pool)
            raise _refused(source, _STOPPED) from None
        if read.spent:
            _discard(pool)
    log.debug("read %s in process %d in %.2f s", source, read.pid, time.perf_counter() - started)
    if read.script is None:
        raise ValidationFailed(list(read.problems), summary=read.summary)
    return read.script


def reader_pids() -> list[int]:
    """The process ids of the running reader (none before the first PDF or after it stopped)."""
    with _guard:
        processes = getattr(_pool, "_processes", None) or {}
        return [process.pid for process in list(processes.values()) if process.pid]


def stop_pdf_reader() -> None:
    """Stop the reader process, killing it if it is still reading (a PDF it was reading is
    refused); the next PDF starts a fresh one. Call it when the bot stops serving."""
    with _guard:
        pool = _pool
    if pool is not None:
        _discard(pool)


def _started_pool(source: str) -> ProcessPoolExecutor:
    """The reader's pool, started (and waited for) if there is none."""
    global _pool
    with _guard:
        pool = _pool
        if pool is None:
            pool = _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_reader_started,
                initargs=(MEMORY_LIMIT_BYTES,),
            )
        else:
            return pool
    # Started outside the time limit, so that a file's limit counts its own reading only.
    try:
        pool.submit(os.getpid).result(timeout=START_SECONDS)
    except (FutureTimeout, BrokenProcessPool, CancelledError, RuntimeError) as error:
        log.error(
            "the PDF reader process did not start (%s); its error is printed above it, if any "
            "(does the main module start work outside `if __name__ == '__main__':`?)",
            type(error).__name__,
        )
        _discard(pool)
        raise _refused(
            source, f"could not be read: the PDF reader did not start; {ADVICE}"
        ) from None
    return pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's process (it may be stuck in a file) and wait until it is gone; once, by
    whichever thread comes first (the one reading, or the one stopping the reader)."""
    global _pool
    with _guard:
        if _pool is not pool:
            return
        _pool = None
        # Python 3.11's pool has no public way to kill its workers (3.14 adds kill_workers).
        processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):  # already gone
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _reader_started(memory_limit: int) -> None:
    """In the reader: bound its address space, leave Ctrl-C to the parent (which stops it), and
    import the PDF library before the first file."""
    global _memory_limit
    _memory_limit = memory_limit
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import resource
    except ImportError:  # Windows: no address-space limit
        pass
    else:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        with contextlib.suppress(ValueError, OSError):  # macOS does not enforce RLIMIT_AS
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    import importlib

    for name in PDF_READER:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _read_in_child(data: bytes, source: str) -> _Read:
    """In the reader: the script, or the refusal as plain values."""
    try:
        return _Read(parse_pdf(data, source), pid=os.getpid())
    except ValidationFailed as failure:
        return _Read(None, tuple(failure.problems), _summary(failure), os.getpid())
    except MemoryError:
        limit = f"{_memory_limit / 1024**3:g} GiB"
        refusal = _refused(source, f"needs more than {limit} of memory to read; {ADVICE}")
        return _Read(None, tuple(refusal.problems), _summary(refusal), os.getpid(), spent=True)


def _summary(failure: ValidationFailed) -> str:
    """The summary a ValidationFailed was raised with: its message without the listed problems."""
    listed = "\n" + "\n".join(f"  - {problem}" for problem in failure.problems)
    return str(failure).removesuffix(listed)
