"""Round 3: the console's /batch import reads a file only through the bounded reader, with the
bank's import limit, after the role check: an oversized file, a device or a missing file is
refused in one line and nothing is imported."""

from __future__ import annotations

import os
import random
import tracemalloc
from pathlib import Path

import pytest

from taskbank.bank.values import Defaults
from taskbank.service import TaskBank
from tests.batches import tone_batch
from tests.test_console import run_script

SORRY = "Sorry, something went wrong"


def sparse_file(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no room on disk."""
    with open(path, "wb") as file:
        file.truncate(size)
    return path


def from_home(path: Path) -> str:
    """The path written from ~, as a person might type it."""
    return "~/" + os.path.relpath(path, os.path.expanduser("~"))


@pytest.fixture
def small_limit_bank(store, clock) -> TaskBank:
    """A bank whose imports take at most 4 KiB."""
    return TaskBank(
        store, clock=clock, rng=random.Random(7), defaults=Defaults(max_import_bytes=4096)
    )


async def test_an_oversized_import_is_refused_without_reading_it(small_limit_bank, tmp_path):
    # given a sparse file of 64 MiB, far past the bank's 4 KiB limit
    big = sparse_file(tmp_path / "big.jsonl", 64 * 1024 * 1024)
    # when a coordinator imports it
    tracemalloc.start()
    try:
        transcript = await run_script(
            small_limit_bank, tmp_path, ["/as cora", f"/batch import {big}"]
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # then it is refused by its size, and never read into memory
    assert "at most 4,096 are accepted" in transcript and SORRY not in transcript
    assert peak < 16 * 1024 * 1024
    assert await small_limit_bank.list_batches() == []


async def test_importing_a_device_is_refused_in_one_line(bank, tmp_path):
    transcript = await run_script(bank, tmp_path, ["/as cora", "/batch import /dev/zero"])
    assert "is not a regular file" in transcript and SORRY not in transcript
    assert await bank.list_batches() == []


async def test_importing_a_missing_file_names_it(bank, tmp_path):
    missing = tmp_path / "nope.jsonl"
    transcript = await run_script(bank, tmp_path, ["/as cora", f"/batch import {missing}"])
    assert "nope.jsonl" in transcript and "does not exist" in transcript
    assert await bank.list_batches() == []


async def test_a_file_within_the_limit_still_imports(small_limit_bank, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_bytes(tone_batch(2))
    transcript = await run_script(
        small_limit_bank,
        tmp_path,
        ["/as cora", f"/batch import {from_home(good)}"],
    )
    assert "Imported batch 1" in transcript
