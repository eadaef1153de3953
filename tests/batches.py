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


def largest_batch() -> bytes:
    """The largest task an import accepts: 20,000 characters over 20 payload fields (markup
    characters included), 10 questions, 25-option menus with long labels, a 25-place ranking,
    and a text question allowing 20,000 characters."""
    options = [f"Option {i} — " + "a long label that a chat must shorten " * 3 for i in range(25)]
    questions = [
        {
            "id": f"pick{i}",
            "kind": "label",
            "prompt": f"Pick {i} " + "why " * 70,
            "options": options,
        }
        for i in range(7)
    ] + [
        {"id": "many", "kind": "labels", "prompt": "Pick many", "options": options},
        {"id": "order", "kind": "ranking", "prompt": "Rank them " * 10, "options_from": "items"},
        {"id": "essay", "kind": "text", "prompt": "Write", "max_chars": 20000},
    ]
    fields = {f"part{i}": "text" for i in range(19)}
    payload: dict[str, Any] = {name: ("lorem & *ipsum* <dolor> " * 46)[:1000] for name in fields}
    payload["items"] = [f"Ending {i}: " + "x" * 20 for i in range(25)]
    fields["items"] = "text list"
    settings = header(template="custom", payload_fields=fields, questions=questions)
    return jsonl(settings, [{"id": "big", "payload": payload}])
