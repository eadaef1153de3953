"""A writer working from a channel the app has not joined: Slack lets them use /task there (the
command's response_url reaches them) but refuses the app's own posts there. A card whose
response_url is spent or expired (30 minutes: a long rewrite in its modal) must still reach the
writer, by direct message, as a card first shown there does."""

from __future__ import annotations

import pytest

from taskbank.sample_bank import sample_files
from tests.slack.conftest import WRITER
from tests.slack.test_slack_writer import control_ids, modal_answers
from tests.slack_driver import text_of

OUTSIDE = "C0OUTSIDE"


# Slack's own refusal of a spent response_url, and one with status 200 and a JSON refusal (as a
# proxy in front of Slack may answer): either is a refusal, never taken for delivered.
SPENT_ANSWERS = [(404, "{error}"), (200, '{{"ok": false, "error": "{error}"}}')]


@pytest.mark.parametrize("spent_answer", SPENT_ANSWERS, ids=["404", "200-ok-false"])
async def test_a_modal_answered_after_its_response_url_expired_is_confirmed_by_dm(
    workspace, spent_answer
):
    fake = workspace.fake
    fake.spent_answer = spent_answer
    fake.outside.add(OUTSIDE)
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await workspace.bank.import_batch(sample.read_bytes(), filename=sample.name)
    await workspace.command(WRITER, "/task", channel=OUTSIDE)
    card = await workspace.new_card(WRITER, 0)
    for terms in control_ids(card, "terms:"):
        version = card.version
        await workspace.click(WRITER, card, terms)
        await workspace.updated(card, version)
    assignment = int(control_ids(card, "submit:")[0].split(":")[1])
    await workspace.click(WRITER, card, control_ids(card, "form:")[0])
    view = await workspace.wait_for(lambda: fake.views[-1:], "views.open")
    # The writer takes longer than 30 minutes over the rewrite: the click's response_url expires.
    for issued in fake.response_urls.values():
        issued.expired = True
    seen = len(workspace.visible_to(WRITER))
    assert await workspace.submit(WRITER, view[0], modal_answers(view[0])) == {}
    saved = await workspace.bank.submission_for(assignment)
    assert saved is not None
    # Before the fix: chat.postEphemeral was refused (the app is not in the channel) and the
    # writer saw nothing at all: the modal closed, the card still asked for the answer.
    told = await workspace.new_card(WRITER, seen)
    assert told.channel == "D" + WRITER[1:]
    assert "Saved" in text_of(told), text_of(told)
