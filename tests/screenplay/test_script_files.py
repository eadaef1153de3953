"""Script files are read only when they are regular files, and never past the size limit: a
device never ends, and a named pipe waits for a writer."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from taskbank.errors import ValidationFailed
from taskbank.screenplay import plan_script_batch

SETTINGS = {"project": "Files", "name": "f", "template": "dialogue_tone", "pay_cents": 40}


def refused(files) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        plan_script_batch(files, SETTINGS, "scene")
    return caught.value


def test_a_device_is_refused_unread():
    (problem,) = refused([Path("/dev/zero")]).problems
    assert problem.location == "zero" and "not a regular file" in problem.message


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.fountain"
    os.mkfifo(pipe)
    outcome: list[ValidationFailed] = []

    def plan() -> None:
        outcome.append(refused([pipe]))

    worker = threading.Thread(target=plan, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # it waits for a writer: give it one (and nothing) so it ends
        with open(pipe, "wb"):
            pass
        worker.join(timeout=5)
        pytest.fail("the import waited for a writer on a named pipe")
    (problem,) = outcome[0].problems
    assert problem.location == "pipe.fountain" and "not a regular file" in problem.message


def test_a_missing_file_is_refused_by_name(tmp_path):
    (problem,) = refused([tmp_path / "gone.fountain"]).problems
    assert problem.location == "gone.fountain" and "does not exist" in problem.message


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path):
    script = tmp_path / "big.fountain"
    script.write_bytes(b"INT. HOUSE - DAY\n\n" + b"x" * 100)
    with pytest.raises(ValidationFailed) as caught:
        plan_script_batch([script], SETTINGS, "scene", max_bytes=50)
    (problem,) = caught.value.problems
    assert problem.message == "is 118 bytes; at most 50 are accepted"
