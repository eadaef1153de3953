"""What benchmarks/loop_block.py watches the event loop with: the longest callback and the
latest heartbeat (LoopWatch), and, with --profile, what held the GIL meanwhile (GilProfile)."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LATE_MS = 20.0  # --profile explains each heartbeat later than this
LONG_C_CALL_MS = 10.0


class LoopWatch:
    """The longest single callback the event loop ran since `reset`, and what it was; and how
    late a heartbeat woke at worst (which also catches the loop waiting for the GIL between
    callbacks, while a worker thread holds it: a garbage collection, a long C call)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.what = ""
        self.latest = 0.0

        self.late: list[tuple[float, float]] = []  # (due, woke) of each beat over LATE_MS

    def reset(self) -> None:
        self.longest, self.what, self.latest = 0.0, "", 0.0
        self.late = []

    async def heartbeat(self, every: float = 0.005) -> None:
        """Sleep `every` seconds, again and again, noting the worst lateness."""
        while True:
            due = time.perf_counter() + every
            await asyncio.sleep(every)
            woke = time.perf_counter()
            self.latest = max(self.latest, woke - due)
            if woke - due > LATE_MS / 1000:
                self.late.append((due, woke))

    @contextmanager
    def installed(self) -> Iterator[None]:
        original: Callable[[asyncio.Handle], None] = asyncio.events.Handle._run
        watch = self

        def timed(handle: asyncio.Handle) -> None:
            started = time.perf_counter()
            try:
                original(handle)
            finally:
                took = time.perf_counter() - started
                if took > watch.longest:
                    watch.longest, watch.what = took, _describe(handle)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]
        try:
            yield
        finally:
            asyncio.events.Handle._run = original  # type: ignore[method-assign]


class GilProfile:
    """What ran while the GIL was held long (see `--profile`): garbage collections and long C
    calls on every thread, each with the thread and the frames that led to it."""

    def __init__(self) -> None:
        self.loop_thread = threading.get_ident()
        self.events: list[tuple[float, float, str]] = []  # (start, end, description)
        self.active = False  # True while a measured path runs
        self._gc_started: dict[int, tuple[float, str]] = {}
        self._calls: dict[int, list[tuple[float, float, Any]]] = {}

    def _sample(self, stop: threading.Event) -> None:
        """Every 2 ms, where the loop thread is (it hands over the GIL every 5 ms while it runs
        Python code, so a long callback is sampled; a long C call or collection is not)."""
        due = time.perf_counter()
        while not stop.wait(0.002):
            now = time.perf_counter()
            held, due = now - due - 0.002, now
            if not self.active:
                continue
            frames = sys._current_frames()
            frame = frames.get(self.loop_thread)
            if frame is not None:
                self.events.append((now, now, "sample: " + self._where(frame, thread="loop")))
            if held > LATE_MS / 1000:
                # Something held the GIL that long, in no call the hook sees (a cascade of
                # frees, say): each thread's place just after is where it ended.
                for ident, other in frames.items():
                    if ident not in (self.loop_thread, threading.get_ident()):
                        where = self._where(other, thread="worker")
                        self.events.append((now - held, now, f"GIL held, then: {where}"))

    def _where(self, frame: Any, thread: str | None = None) -> str:
        if thread is None:
            thread = "loop" if threading.get_ident() == self.loop_thread else "worker"
        frames = []
        while frame is not None and len(frames) < 5:
            name = Path(frame.f_code.co_filename)
            if "site-packages" not in name.parts and name.parent.name != "python3.11":
                frames.append(f"{name.name}:{frame.f_lineno} {frame.f_code.co_name}")
            frame = frame.f_back
        return f"{thread} thread, in " + " < ".join(frames or ["(library code)"])

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._gc_started[ident] = (time.perf_counter(), self._where(sys._getframe(1)))
        elif ident in self._gc_started:
            started, where = self._gc_started.pop(ident)
            self.events.append(
                (
                    started,
                    time.perf_counter(),
                    f"gc gen {info['generation']} ({info['collected']} freed), {where}",
                )
            )

    def _on_call(self, frame: Any, event: str, argument: Any) -> None:
        if not self.active:
            return
        stack = self._calls.setdefault(threading.get_ident(), [])
        if event == "c_call":
            stack.append((time.perf_counter(), time.thread_time(), argument))
        elif event in ("c_return", "c_exception") and stack:
            started, cpu, function = stack.pop()
            ended = time.perf_counter()
            # A call that waits (a queue, a lock, epoll) spends no CPU time: it does not hold
            # the GIL. (One that computes without it, as sqlite3 does, is listed all the same.)
            if time.thread_time() - cpu > LONG_C_CALL_MS / 1000:
                name = getattr(function, "__qualname__", repr(function))
                self.events.append((started, ended, f"C call {name}, {self._where(frame)}"))

    @contextmanager
    def installed(self) -> Iterator[None]:
        gc.callbacks.append(self._on_gc)
        threading.setprofile(self._on_call)
        sys.setprofile(self._on_call)
        stop = threading.Event()
        sampler = threading.Thread(target=self._sample, args=(stop,), daemon=True)
        sampler.start()
        try:
            yield
        finally:
            stop.set()
            sampler.join()
            sys.setprofile(None)
            threading.setprofile(None)  # type: ignore[arg-type]
            gc.callbacks.remove(self._on_gc)

    def explain(self, late: list[tuple[float, float]]) -> list[str]:
        """Each event that overlapped a late heartbeat, once, longest first."""
        seen = {
            (start, end, what)
            for start, end, what in self.events
            for due, woke in late
            if start < woke and end > due
        }
        self.events = []
        samples: dict[str, int] = {}
        for _, _, what in seen:
            if what.startswith("sample: "):
                samples[what] = samples.get(what, 0) + 1
        return [
            f"{count:4d} samples of the {what}"
            for what, count in sorted(samples.items(), key=lambda item: -item[1])[:6]
        ] + [
            f"{(end - start) * 1000:7.1f} ms  {what}"
            for start, end, what in sorted(seen, key=lambda e: e[0] - e[1])
            if not what.startswith("sample: ")
        ]


def _describe(handle: asyncio.Handle) -> str:
    """Where a task's step ended (the await it reached after holding the loop)."""
    callback = getattr(handle, "_callback", None)
    task = getattr(callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        coro: Any = task.get_coro()
        while getattr(coro, "cr_await", None) is not None and hasattr(coro.cr_await, "cr_frame"):
            coro = coro.cr_await  # down to the innermost coroutine the task awaits in
        frame = getattr(coro, "cr_frame", None)
        if frame is not None:
            return (
                f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} ({frame.f_code.co_name})"
            )
        return "a task's last step"
    return repr(callback)[:80]
