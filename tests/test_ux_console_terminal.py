"""Issue 18 item 15, on a real terminal: `taskbot demo` under a pseudo-terminal edits typed lines
(readline) and ends on the first Ctrl-C, without waiting for another Enter."""

from __future__ import annotations

import os
import select
import shutil
import signal
import sys
import time

import pytest

pty = pytest.importorskip("pty")
TASKBOT = shutil.which("taskbot", path=os.path.dirname(sys.executable))


class Terminal:
    """The demo on a pseudo-terminal: what it printed, and a way to type."""

    def __init__(self, database: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the real command, as a person starts it
            os.execv(TASKBOT, [TASKBOT, "demo", "--db", database])  # type: ignore[arg-type]
        self.out = b""

    def read_until(self, wanted: bytes, seconds: float = 180) -> bool:
        end = time.monotonic() + seconds
        while wanted not in self.out and time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    break
        return wanted in self.out

    def ended(self, seconds: float = 60) -> int | None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return status
            self.read_until(b"\0", 0.3)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None


@pytest.mark.skipif(TASKBOT is None, reason="the taskbot command is not installed")
def test_typed_lines_can_be_edited_and_ctrl_c_ends_the_demo(tmp_path):
    terminal = Terminal(str(tmp_path / "demo.sqlite"))
    assert terminal.read_until(b"wendy> ")
    os.write(terminal.fd, b"help\x01/\r")  # typed "help", Ctrl-A to the start, then "/"
    assert terminal.read_until(b"What you can type")
    os.write(terminal.fd, b"\x03")
    status = terminal.ended()
    assert status is not None, "the demo was still running after Ctrl-C"
    assert b"Traceback" not in terminal.out
