"""Builders for batch files used across the tests."""

from __future__ import annotations

import json
from typing import Any


def header(**overrides: Any) -> dict[str, Any]:
    """Batch settings for a small dialogue-tone batch, with overrides."""
    settings: dict[str, Any] = {
        "project": "Test project",
        "name": "tone-1",
        "template": "dialogue_tone",
        "pay_cents": 40,
        "overlap": 1,
        "lease_minutes": 30,
    }
    settings.update(overrides)
    return settings


def tone_task(number: int, **extra: Any) -> dict[str, Any]:
    """A dialogue-tone task."""
    return {
        "id": f"t-{number:04d}",
        "payload": {"excerpt": f"A: Line {number}.\nB: Reply {number}."},
        **extra,
    }


def jsonl(settings: dict[str, Any], tasks: list[Any]) -> bytes:
    """A JSONL batch file: the header line, then one task a line (strings are written as-is)."""
    lines = [json.dumps({"batch": settings})]
    lines += [task if isinstance(task, str) else json.dumps(task) for task in tasks]
    return ("\n".join(lines) + "\n").encode()


def tone_batch(count: int, **overrides: Any) -> bytes:
    """A dialogue-tone batch of `count` tasks."""
    return jsonl(header(**overrides), [tone_task(i) for i in range(1, count + 1)])


TONE_ANSWER = {"tone": "tense", "genre": ["noir"], "pacing": 3}
