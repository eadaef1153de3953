"""Fixtures for the store contract tests: a store (both dialects, from tests/conftest.py) holding
one small open batch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from taskbank.batchsettings import BatchSettings, TaskSpec
from taskbank.models import Batch

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def settings(name: str = "contract", **overrides: object) -> BatchSettings:
    """Settings for a small dialogue-tone batch."""
    return BatchSettings.model_validate(
        {"project": "Contract", "name": name, "template": "dialogue_tone", "pay_cents": 40}
        | overrides
    )


def tasks(count: int) -> list[TaskSpec]:
    """`count` dialogue-tone tasks."""
    return [TaskSpec(f"t{i}", {"excerpt": f"A: Line {i}.\nB: Reply."}) for i in range(count)]


@pytest.fixture
async def batch(store) -> Batch:
    """An open batch of three tasks, overlap 2, in the store under test."""
    return await store.create_batch(settings(), tasks(3), overlap=2, lease_seconds=600, now=NOW)
