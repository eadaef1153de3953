"""Every request Slack did not sign is a 401, every signed body it could not have sent a clean
refusal: through the real bolt app over signed HTTP against the fake Slack."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from tests import bank_reads as reads
from tests.batches import tone_batch
from tests.slack.conftest import WRITER
from tests.slack.test_slack_protocol import nothing_happened
from tests.slack_driver import SIGNING_SECRET
from tests.slack_fake import payloads, signing

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


# -- every request Slack did not sign is a 401, every body it could not have sent a clean refusal --


async def post_raw(workspace, body: str, headers) -> tuple[int, str]:
    """POST with headers exactly as given (a list of pairs may repeat a header)."""
    async with workspace.session.post(
        workspace.app_url, data=body.encode(), headers=headers
    ) as answer:
        return answer.status, await answer.text()


def signature_for(body: str, stamp: str, secret: str = SIGNING_SECRET) -> str:
    digest = signing.hmac.new(
        secret.encode(), f"v0:{stamp}:{body}".encode(), signing.hashlib.sha256
    ).hexdigest()
    return f"v0={digest}"


def a_task_command(workspace) -> str:
    url = workspace.fake.issue_response_url(WRITER, "C0WRITERS")
    return payloads.slash_command("/task", "", WRITER, "C0WRITERS", url)


FORM = ("Content-Type", "application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    "stamp",
    ["abc", "1e9", "", "9" * 40, "-5", "now", " {now}", "{now} ", "{now}.5", "١٧٠٠٠٠٠٠٠٠", "0x10"],
)
async def test_a_timestamp_that_is_not_a_number_gets_401(workspace, stamp):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    stamp = stamp.replace("{now}", str(int(time.time())))
    body = a_task_command(workspace)
    headers = [
        FORM,
        ("X-Slack-Request-Timestamp", stamp),
        ("X-Slack-Signature", signature_for(body, stamp)),
    ]
    status, _ = await post_raw(workspace, body, headers)
    assert status == 401
    await nothing_happened(workspace)


def _headers(case: str, body: str) -> list[tuple[str, str]]:
    now = str(int(time.time()))
    good = signature_for(body, now)
    future = str(int(time.time()) + 6 * 60)
    return {
        "no signature": [FORM, ("X-Slack-Request-Timestamp", now)],
        "no timestamp": [FORM, ("X-Slack-Signature", good)],
        "nothing": [FORM],
        "non-hex": [
            FORM,
            ("X-Slack-Request-Timestamp", now),
            ("X-Slack-Signature", "v0=" + "zz" * 32),
        ],
        "v1 prefix": [
            FORM,
            ("X-Slack-Request-Timestamp", now),
            ("X-Slack-Signature", "v1" + good[2:]),
        ],
        "bare hex": [FORM, ("X-Slack-Request-Timestamp", now), ("X-Slack-Signature", good[3:])],
        "upper hex": [
            FORM,
            ("X-Slack-Request-Timestamp", now),
            ("X-Slack-Signature", good.upper()),
        ],
        "short": [FORM, ("X-Slack-Request-Timestamp", now), ("X-Slack-Signature", good[:-2])],
        "empty": [FORM, ("X-Slack-Request-Timestamp", now), ("X-Slack-Signature", "")],
        "future": [
            FORM,
            ("X-Slack-Request-Timestamp", future),
            ("X-Slack-Signature", signature_for(body, future)),
        ],
        "two timestamps": [
            FORM,
            ("X-Slack-Request-Timestamp", now),
            ("X-Slack-Request-Timestamp", "1"),
            ("X-Slack-Signature", good),
        ],
        "two signatures": [
            FORM,
            ("X-Slack-Request-Timestamp", now),
            ("X-Slack-Signature", "v0=" + "0" * 64),
            ("X-Slack-Signature", good),
        ],
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "no signature",
        "no timestamp",
        "nothing",
        "non-hex",
        "v1 prefix",
        "bare hex",
        "upper hex",
        "short",
        "empty",
        "future",
        "two timestamps",
        "two signatures",
    ],
)
async def test_a_missing_malformed_or_repeated_signature_gets_401(workspace, case):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    body = a_task_command(workspace)
    status, _ = await post_raw(workspace, body, _headers(case, body))
    assert status == 401
    await nothing_happened(workspace)


def _malformed(case: str, workspace) -> tuple[str, str]:
    url = workspace.fake.issue_response_url(WRITER, "C0WRITERS")
    command = dict(
        token="t",
        team_id="T0TASKBOT",
        channel_id="C0WRITERS",
        user_id=WRITER,
        user_name="rita",
        command="/task",
        text="",
        response_url=url,
        trigger_id="1.2.trigger",
    )
    form = "application/x-www-form-urlencoded"
    from urllib.parse import urlencode

    view = {
        "type": "view_submission",
        "user": payloads.user(WRITER),
        "team": payloads.TEAM,
        "view": {"callback_id": "answer:1", "private_metadata": "{}", "state": {"values": []}},
    }
    return {
        "plain text": ("hello there", "text/plain"),
        "form says json": (urlencode(command), "application/json"),
        "json not an object": ("[1, 2, 3]", "application/json"),
        "json nested deep": ("[" * 100_000 + "]" * 100_000, "application/json"),
        "payload not json": ("payload=%7Bnope", form),
        "payload a list": ("payload=%5B1%5D", form),
        "payload without type": ("payload=%7B%22a%22%3A1%7D", form),
        "payload with unknown type": (payloads.interactive({"type": "frobnicate"}), form),
        "no command": (urlencode({k: v for k, v in command.items() if k != "command"}), form),
        "no user": (urlencode({k: v for k, v in command.items() if k != "user_id"}), form),
        "unknown command": (urlencode({**command, "command": "/frobnicate"}), form),
        "100 KB of text": (urlencode({**command, "text": "word " * 20_000}), form),
        "100 KB word": (urlencode({**command, "text": "x" * 100_000}), form),
        "view state a list": (payloads.interactive(view), form),
        "view values strings": (
            payloads.interactive(
                {**view, "view": {**view["view"], "state": {"values": {"b": "oops"}}}}
            ),
            form,
        ),
        "view without callback": (
            payloads.interactive({**view, "view": {"state": {"values": {}}}}),
            form,
        ),
        "view without user": (
            payloads.interactive({k: v for k, v in view.items() if k != "user"}),
            form,
        ),
        "action without actions": (
            payloads.interactive(
                {"type": "block_actions", "user": payloads.user(WRITER), "actions": []}
            ),
            form,
        ),
        "action id not text": (
            payloads.interactive(
                {
                    "type": "block_actions",
                    "user": payloads.user(WRITER),
                    "actions": [{"action_id": 7, "type": "button"}],
                }
            ),
            form,
        ),
        "event without item": (
            json.dumps(
                {
                    "type": "event_callback",
                    "event_id": "Ev1",
                    "event": {"type": "reaction_added", "user": WRITER, "reaction": "x"},
                }
            ),
            "application/json",
        ),
    }[case]


MALFORMED = [
    "plain text",
    "form says json",
    "json not an object",
    "json nested deep",
    "payload not json",
    "payload a list",
    "payload without type",
    "payload with unknown type",
    "no command",
    "no user",
    "unknown command",
    "100 KB of text",
    "100 KB word",
    "view state a list",
    "view values strings",
    "view without callback",
    "view without user",
    "action without actions",
    "action id not text",
    "event without item",
]


@pytest.mark.parametrize("case", MALFORMED)
async def test_a_signed_body_of_the_wrong_shape_is_refused_cleanly(workspace, caplog, case):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    body, content_type = _malformed(case, workspace)
    status, _ = await workspace.send(body, content_type)
    assert status in (200, 400)
    await asyncio.sleep(0.3)  # the app works after its answer: let any work show
    assert await reads.assignment_states(workspace.bank) == {}
    assert not [r for r in caplog.records if r.exc_info or r.levelname in ("ERROR", "CRITICAL")]
