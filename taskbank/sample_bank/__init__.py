"""A small bank of original sample tasks, one JSONL batch file per built-in template."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from typing import TYPE_CHECKING

from taskbank.batchfile import parse_batch_file

if TYPE_CHECKING:
    from taskbank.models import Batch
    from taskbank.service import TaskBank


def sample_files() -> list[Traversable]:
    """The sample batch files in import order."""
    folder = resources.files("taskbank.sample_bank")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".jsonl")), key=lambda f: f.name)


async def import_sample_bank(bank: TaskBank) -> list[Batch]:
    """Import every sample batch not yet in the bank; returns the batches imported now."""
    existing = {batch.name for batch in await bank.list_batches()}
    imported = []
    for file in sample_files():
        parsed = parse_batch_file(file.read_bytes(), file.name)
        if parsed.settings.name not in existing:
            imported.append(await bank.create_batch(parsed))
    return imported
