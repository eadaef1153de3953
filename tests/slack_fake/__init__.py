"""A fake Slack on 127.0.0.1, as a package of small parts: its Block Kit limits (limits.py),
its Web API, response_urls and Socket Mode (web_api.py), its files (files.py), what it holds
(records.py), request signing (signing.py),
and builders of the requests Slack sends the app (payloads.py)."""

from tests.slack_fake.limits import LIMITS, block_problems, view_problems
from tests.slack_fake.web_api import (
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER,
    FakeSlack,
    Message,
    ResponseUrl,
    SharedFile,
)

__all__ = [
    "APP_TOKEN",
    "BOT_TOKEN",
    "BOT_USER",
    "LIMITS",
    "FakeSlack",
    "Message",
    "ResponseUrl",
    "SharedFile",
    "block_problems",
    "view_problems",
]
