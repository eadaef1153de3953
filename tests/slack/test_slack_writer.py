"""Writers on Slack: /task cards in Block Kit, answered with buttons, menus and modals."""

from __future__ import annotations

import pytest

from taskbank.sample_bank import sample_files
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, header, jsonl, largest_batch, tone_batch
from tests.slack.conftest import OTHER_WRITER, WRITER
from tests.slack_driver import Workspace, buttons, find_element, text_of
from tests.slack_fake import Message

FILLER = "The detective counts the coins twice and still comes up short, so she laughs at last."
REWRITE = "Honestly? I'm dead on my feet after two shifts back to back."


def control_ids(card: Message, prefix: str) -> list[str]:
    return [
        e["action_id"]
        for b in card.blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(prefix)
    ]


async def claim(ws: Workspace, user: str = WRITER, text: str = "") -> Message:
    """/task, accepting the project's terms if asked; the task card."""
    seen = len(ws.visible_to(user))
    await ws.command(user, "/task", text)
    card = await ws.new_card(user, seen)
    terms = control_ids(card, "terms:")
    if terms:
        version = card.version
        await ws.click(user, card, terms[0])
        await ws.updated(card, version)
    return card


async def press(ws: Workspace, card: Message, action_id: str, *values: str) -> Message:
    version = card.version
    status, _ = await ws.click(WRITER, card, action_id, *values)
    assert status == 200
    return await ws.updated(card, version)


async def open_modal(ws: Workspace, card: Message) -> dict:
    opened = len(ws.fake.views)
    await ws.click(WRITER, card, control_ids(card, "form:")[0])
    await ws.wait_for(lambda: len(ws.fake.views) > opened, "views.open")
    return ws.fake.views[-1]


def modal_answers(view: dict) -> dict[str, object]:
    values: dict[str, object] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, label = block["element"], block["label"]["text"]
        if element["type"] == "static_select":
            values[block["block_id"]] = str(int(block["block_id"].rsplit(".", 1)[1]) - 1)
        elif label.startswith("Your rewrite"):
            values[block["block_id"]] = REWRITE
        else:
            values[block["block_id"]] = " ".join([FILLER] * (6 if "scene" in label else 1))
    return values


@pytest.mark.parametrize("sample", sample_files(), ids=lambda path: path.stem)
async def test_every_template_round_trips_from_task_to_saved(workspace, sample):
    """Each built-in template: claim, answer every question as Slack lets you, submit, stored."""
    await workspace.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(workspace)
    assignment = int(control_ids(card, "submit:")[0].split(":")[1])
    for question in {a.split(":")[2] for a in control_ids(card, "ans:")}:
        _, element = find_element(card, f"ans:{assignment}:{question}")
        if element["type"] == "button":
            card = await press(workspace, card, element["action_id"])
        else:
            card = await press(
                workspace, card, element["action_id"], element["options"][0]["value"]
            )
    if control_ids(card, "form:"):
        view = await open_modal(workspace, card)
        version = card.version
        answer = await workspace.submit(WRITER, view, modal_answers(view))
        assert answer == {}, answer  # the modal closes
        await workspace.updated(card, version)
    else:
        card = await press(workspace, card, f"submit:{assignment}")
    assert card.blocks[0]["text"]["text"].startswith("✅ Saved — pending review")
    assert not control_ids(card, "ans:") and not control_ids(card, "submit:")
    saved = await workspace.bank.submission_for(int(assignment))
    assert saved is not None and saved.writer_id == f"slack:{WRITER}"


async def test_card_choices_are_saved_and_the_card_is_updated_in_place(workspace):
    await workspace.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(workspace)
    aid = control_ids(card, "submit:")[0].split(":")[1]
    await press(workspace, card, f"ans:{aid}:tone", "0")  # a menu: eight tones
    await press(workspace, card, f"ans:{aid}:genre", "7")  # a multi-select
    await press(workspace, card, f"ans:{aid}:pacing:3")  # buttons 1–5
    assert "✓ 3" in buttons(card)
    card = await press(workspace, card, f"submit:{aid}")
    assert len(workspace.visible_to(WRITER)) == 1  # one card, updated each time
    assert await reads.answers(workspace.bank) == TONE_ANSWER
    assert buttons(card) == ["Next task"]


async def test_user_text_is_escaped_for_mrkdwn(workspace):
    task = {"id": "x1", "payload": {"excerpt": "A: <@U024BE7LH> & <!channel> > you"}}
    await workspace.bank.import_batch(jsonl(header(), [task]), filename="t.jsonl")
    card = await claim(workspace)
    shown = text_of(card)
    assert "&lt;@U024BE7LH&gt; &amp; &lt;!channel&gt; &gt; you" in shown
    assert "<@U024BE7LH>" not in shown


async def test_a_4000_character_excerpt_is_split_across_blocks_and_kept_whole(workspace):
    sentence = "INT. KITCHEN — NIGHT. Mara slams the drawer & says <nothing>. "
    excerpt = (sentence * 70)[:4000]
    task = {"id": "long", "payload": {"excerpt": excerpt}}
    await workspace.bank.import_batch(jsonl(header(), [task]), filename="long.jsonl")
    card = await claim(workspace)  # the fake answers invalid_blocks to any block over its limit
    sections = [b["text"]["text"] for b in card.blocks if b["type"] == "section" and "text" in b]
    assert len(sections) >= 2 and all(len(s) <= 3000 for s in sections)
    unescaped = "".join(sections).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert "".join(excerpt.split()) in "".join(unescaped.split())


async def test_the_largest_task_an_import_accepts_fits_slack(workspace):
    """20,000 characters over 20 fields, 10 questions, 25-option menus, a 25-place ranking."""
    await workspace.bank.import_batch(largest_batch(), filename="big.jsonl")
    card = await claim(workspace)
    assert len(card.blocks) <= 50
    view = await open_modal(workspace, card)
    assert sum(b["type"] == "input" for b in view["blocks"]) == 26
    essay = next(b for b in view["blocks"] if b.get("block_id") == "essay")
    assert essay["element"]["max_length"] == 3000
    assert "Slack takes at most 3,000 characters" in essay["hint"]["text"]


async def test_a_modal_with_errors_stays_open_and_keeps_what_was_typed(workspace, slack_bank):
    data = (sample for sample in sample_files() if "rewrites" in sample.name)
    sample = next(data)
    await slack_bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(workspace)
    view = await open_modal(workspace, card)
    original = view["blocks"][-1]["hint"]["text"].removeprefix("Original: ").split(" · ")[0]
    answer = await workspace.submit(WRITER, view, {"rewrite": original.upper()})
    assert answer["response_action"] == "errors"
    assert "only case, punctuation or spacing changed" in answer["errors"]["rewrite"]
    assert await reads.submission_count(slack_bank) == 0
    view = await open_modal(workspace, card)  # opened again: the text is still there
    rewrite = next(b for b in view["blocks"] if b.get("block_id") == "rewrite")
    assert rewrite["element"]["initial_value"] == original.upper()


async def test_text_the_draft_refuses_keeps_the_modal_open_with_it(workspace, slack_bank):
    # A bidi isolate (text pasted from many apps carries them) is refused by the draft itself:
    # the refusal goes beside the field, the modal stays open, nothing is saved.
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await slack_bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(workspace)
    view = await open_modal(workspace, card)
    text = "I am so tired after \u2066Maria\u2069's double shift that I could sleep standing."
    answer = await workspace.submit(WRITER, view, {"rewrite": text})
    assert answer["response_action"] == "errors"
    assert "U+2066" in answer["errors"]["rewrite"]
    assert await reads.saved_drafts(slack_bank, f"slack:{WRITER}") == 0
    assert await reads.submission_count(slack_bank) == 0


async def test_a_resubmitted_modal_stores_one_submission(workspace, slack_bank):
    endings = next(s for s in sample_files() if "endings" in s.name)
    await slack_bank.import_batch(endings.read_bytes(), filename=endings.name)
    card = await claim(workspace)
    view = await open_modal(workspace, card)
    values = modal_answers(view)
    first = await workspace.submit(WRITER, view, values)
    again = await workspace.submit(WRITER, view, values)
    assert first == again == {}
    await workspace.wait_for(lambda: "Saved" in card.blocks[0]["text"]["text"], "the saved card")
    assert await reads.submission_count(slack_bank) == 1
    assert len(workspace.visible_to(WRITER)) == 1


async def test_a_double_click_on_submit_stores_one_submission_and_posts_no_second_card(
    workspace, slack_bank
):
    await slack_bank.import_batch(tone_batch(2), filename="t.jsonl")
    card = await claim(workspace)
    aid = control_ids(card, "submit:")[0].split(":")[1]
    for action in (f"ans:{aid}:tone", f"ans:{aid}:genre"):
        await press(workspace, card, action, "1")
    await press(workspace, card, f"ans:{aid}:pacing:2")
    version = card.version
    await workspace.double_click(WRITER, card, f"submit:{aid}")
    await workspace.wait_for(lambda: card.version >= version + 2, "both clicks answered")
    assert await reads.submission_count(slack_bank) == 1
    assert len(workspace.visible_to(WRITER)) == 1  # updated in place, no second card
    assert card.blocks[0]["text"]["text"].startswith("✅ Saved — pending review")


async def test_skip_and_release_end_the_card(workspace):
    await workspace.bank.import_batch(tone_batch(3), filename="tone.jsonl")
    card = await claim(workspace)
    aid = control_ids(card, "submit:")[0].split(":")[1]
    card = await press(workspace, card, f"end:{aid}:skip")
    assert "Skip this task?" in card.blocks[0]["text"]["text"]
    card = await press(workspace, card, f"skip:{aid}")
    assert card.blocks[0]["text"]["text"].startswith("Skipped")
    card = await press(workspace, card, "next")
    aid = control_ids(card, "submit:")[0].split(":")[1]
    card = await press(workspace, card, f"end:{aid}:release")
    card = await press(workspace, card, f"release:{aid}")
    assert card.blocks[0]["text"]["text"].startswith("Released")
    ended = await reads.assignment_states(workspace.bank)
    assert ended == {"skipped": 1, "released": 1}


async def test_another_writers_card_is_refused(workspace):
    await workspace.bank.import_batch(tone_batch(2), filename="tone.jsonl")
    card = await claim(workspace)
    aid = control_ids(card, "submit:")[0].split(":")[1]
    version = card.version
    await workspace.click(OTHER_WRITER, card, f"end:{aid}:skip")
    await workspace.updated(card, version)
    assert "belongs to another writer" in text_of(card)
    assert await reads.assignment_states(workspace.bank) == {"active": 1}


async def test_earnings_answer_privately(workspace):
    await workspace.command(WRITER, "/earnings", "month")
    card = await workspace.new_card(WRITER, 0)
    assert card.ephemeral and "Your earnings" in card.blocks[0]["text"]["text"]


async def test_a_card_whose_response_url_expired_is_shown_afresh_after_a_modal(
    workspace, slack_bank
):
    """response_urls last 30 minutes; a modal submitted later still ends with the saved card."""
    endings = next(s for s in sample_files() if "endings" in s.name)
    await slack_bank.import_batch(endings.read_bytes(), filename=endings.name)
    card = await claim(workspace)
    view = await open_modal(workspace, card)
    for issued in workspace.fake.response_urls.values():
        issued.expired = True
    assert await workspace.submit(WRITER, view, modal_answers(view)) == {}
    fresh = await workspace.new_card(WRITER, 1)
    assert fresh.blocks[0]["text"]["text"].startswith("✅ Saved — pending review")
    assert workspace.fake.called("chat.postEphemeral")
    assert await reads.submission_count(slack_bank) == 1


async def test_earnings_give_their_period_as_slack_date_tokens(workspace):
    # the period is the bot's zone's week; its bounds are drawn in the reader's own zone
    await workspace.command(WRITER, "/earnings")
    card = await workspace.new_card(WRITER, 0)
    period = next(t for t in text_of(card).split("\n") if "Period:" in t)
    assert period.count("<!date^") == 2 and "\ue000" not in text_of(card)
