"""Waiting in tests for what a chat app does after it has answered: polling with a bound."""

from __future__ import annotations

import asyncio
from typing import Any

WAIT_SECONDS = 15  # a bound against hanging, not a speed assertion


async def until(check: Any, what: str, seconds: float = WAIT_SECONDS) -> Any:
    """Poll every 10 ms until `check()` is truthy; its value, or an AssertionError naming `what`."""
    for _ in range(int(seconds * 100)):
        found = check()
        if found:
            return found
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")
