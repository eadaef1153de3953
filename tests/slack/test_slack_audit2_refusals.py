"""Web API refusals Slack documents, told so that the person knows what to do: `missing_scope`
names the permission the installation lacks (`needed`, api.slack.com/docs/oauth-scopes), a
message gone (`message_not_found`), a used trigger (`exchanged_trigger_id`), a revoked token
(`token_revoked`). An archived channel is tested in test_slack_closed_channels.py."""

from __future__ import annotations

import pytest

from tests.batches import tone_batch
from tests.slack.conftest import COORDINATOR
from tests.slack_driver import text_of


async def test_a_missing_scope_names_the_permission_and_says_to_reinstall(workspace):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    # An app installed from a manifest older than the export: no files:write.
    workspace.fake.fail_next(
        "files.getUploadURLExternal",
        "missing_scope",
        needed="files:write",
        provided="commands,chat:write,im:write",
    )
    await workspace.command(COORDINATOR, "/batch", "export 1 jsonl", channel="C0COORDS")
    told = await workspace.new_card(COORDINATOR, 0)
    shown = text_of(told)
    # Before the fix: "Slack said: missing_scope. Whatever Taskbot had saved …" and no more.
    assert "files:write" in shown and "reinstall" in shown, shown


@pytest.mark.parametrize(
    ("method", "error", "words"),
    [
        ("files.getUploadURLExternal", "token_revoked", "reinstall"),
        ("files.getUploadURLExternal", "invalid_auth", "token"),
        ("files.getUploadURLExternal", "account_inactive", "reinstall"),
    ],
)
async def test_other_documented_refusals_say_what_to_do(workspace, method, error, words):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    workspace.fake.fail_next(method, error)
    await workspace.command(COORDINATOR, "/batch", "export 1", channel="C0COORDS")
    told = await workspace.new_card(COORDINATOR, 0)
    shown = text_of(told)
    assert f"Slack said: {error}." in shown and words in shown.split(f"{error}.", 1)[1], shown
