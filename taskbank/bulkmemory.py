"""Keeping memory from stalling the event loop: the start-up heap kept out of full garbage
collections, full collections postponed while an import's millions of objects are alive, and big
lists freed a slice at a time.

Both matter even in a worker thread. A full collection walks every tracked object while holding
the GIL (a 50 MB batch file is some three million of them: half a second and more, repeated as the
heap grows), and freeing a list of a million tasks is one C call that keeps the GIL just as long;
meanwhile the event loop cannot run. Young collections go on as usual, so short-lived cycles are
still collected while a full collection waits.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

# Freeing this many small objects takes well under a millisecond, so the GIL changes hands often.
RELEASE_SLICE = 2_000
# As a third threshold, this many young collections before a full one: in effect, never.
_NO_FULL_COLLECTION = 1 << 30

_lock = threading.Lock()
_holders = 0
_saved_threshold = 0


def freeze_start_up_heap(modules: Iterable[str] = ()) -> int:
    """Import `modules` (those that request paths would import later, where installed), collect
    once, and move every object still alive into the collector's permanent generation, which no
    collection walks: a full collection then costs what was made since, not the start-up heap
    too (some hundred thousand objects with matplotlib, a tenth of a second of GIL each time).
    Returns how many objects are frozen; `thaw_start_up_heap` undoes it."""
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def thaw_start_up_heap() -> None:
    """Give the frozen objects back to the collector (when serving ends), so those that have
    become garbage since are collected."""
    gc.unfreeze()


@contextmanager
def full_collections_postponed() -> Iterator[None]:
    """While the block runs (in any thread or task, nested or at once), the collector makes no
    full collection; the first one after the block sees only what is still alive."""
    global _holders, _saved_threshold
    with _lock:
        if _holders == 0:
            young, middle, full = gc.get_threshold()
            _saved_threshold = full
            gc.set_threshold(young, middle, _NO_FULL_COLLECTION)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                young, middle, _ = gc.get_threshold()
                gc.set_threshold(young, middle, _saved_threshold)


def release(items: list[Any]) -> None:
    """Empty a list from its end, a slice at a time, so freeing what it held (and all they hold)
    never keeps the GIL long. Call it in a worker thread, on a list nothing else still needs."""
    while items:
        del items[-RELEASE_SLICE:]
