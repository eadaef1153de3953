"""Slack's rate limits, waited out: a request answered 429 is sent again after its Retry-After.

Slack does not carry out a request it answers `ratelimited` (HTTP 429), so sending it again
cannot post, update or pay twice. Without this, slack_sdk raised the first 429 as an error: a
verdict or an answer already committed was followed by "Slack refused that", and a card update
through a response_url fell back to posting the card a second time. A wait longer than
`MAX_WAIT_SECONDS` is not waited out: the error reaches the pipeline, which says so in words.
Nor is a wait that would pass `answer_by`'s deadline: a modal is answered only after its handler
has run, and Slack gives up on that answer after 3 seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 2
MAX_WAIT_SECONDS = 30
DEFAULT_WAIT_SECONDS = 1
# When the request being handled must be answered (time.monotonic()), if it must be soon.
_answer_deadline: ContextVar[float | None] = ContextVar("answer_deadline", default=None)


@contextmanager
def answer_by(seconds: float) -> Iterator[None]:
    """Within this block no rate limit is waited out past `seconds` from now."""
    token = _answer_deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _answer_deadline.reset(token)


def retry_after(response: HttpResponse) -> float:
    """The seconds a 429 asks the app to wait (Slack sends whole seconds; 1 when unreadable)."""
    for name, value in response.headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(str(text).strip()))
            except ValueError:
                break
    return DEFAULT_WAIT_SECONDS


class RateLimitRetry(AsyncRetryHandler):
    """Send a 429'd request again after its Retry-After, at most `max_retry_count` times."""

    def __init__(self, max_retry_count: int = RATE_LIMIT_RETRIES) -> None:
        super().__init__(max_retry_count)

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response)
        deadline = _answer_deadline.get()
        if wait > MAX_WAIT_SECONDS or (deadline is not None and time.monotonic() + wait > deadline):
            log.warning("Slack asks for %.0f s before %s; not waiting", wait, request.url)
            return False
        return True

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = retry_after(response) if response is not None else DEFAULT_WAIT_SECONDS
        log.info("Slack rate-limited %s; sending it again in %.1f s", request.url, wait)
        state.next_attempt_requested = True
        await asyncio.sleep(wait)
        state.increment_current_attempt()


def retry_handlers() -> list[AsyncRetryHandler]:
    """slack_sdk's default (a dropped connection tried once more) plus Slack's rate limits."""
    return [AsyncConnectionErrorRetryHandler(), RateLimitRetry()]
