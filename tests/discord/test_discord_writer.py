"""Writers on Discord: /task cards as embeds with components, answered with buttons, menus and
modals, through the real discord.py client and a fake Discord."""

from __future__ import annotations

import copy

import pytest

from taskbank.sample_bank import sample_files
from tests import bank_reads as reads
from tests.batches import TONE_ANSWER, header, jsonl, largest_batch, tone_batch
from tests.discord.conftest import Room
from tests.discord_driver import Person


async def claim(room: Room, who: Person | None = None, which: str | None = None) -> dict:
    """/task, accepting the project's terms if asked; the task card."""
    who = who or room.writer
    answered = await room.server.command(who, "task", {"which": which} if which else None)
    card = room.server.answer(answered)
    ids = [c["custom_id"] for c in room.server.controls(card)]
    if any(i.startswith("terms:") for i in ids):
        clicked = await room.server.click(who, card, "I accept")
        card = room.server.answer(clicked)
    return card


def ids(room: Room, card: dict, prefix: str) -> list[str]:
    return [c["custom_id"] for c in room.server.controls(card) if c["custom_id"].startswith(prefix)]


async def test_card_choices_are_saved_and_the_card_is_updated_in_place(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    assert card["flags"] & 64  # ephemeral: only the writer sees it
    aid = ids(room, card, "submit:")[0].split(":")[1]
    done = await room.server.pick(room.writer, card, f"ans:{aid}:tone", ["tense"])
    assert done.callback == 7  # the clicked card, updated in place
    card = room.server.answer(done)
    done = await room.server.pick(room.writer, card, f"ans:{aid}:genre", ["noir"])
    card = room.server.answer(done)
    done = await room.server.click(room.writer, card, f"ans:{aid}:pacing:3")
    card = room.server.answer(done)
    assert "✓ 3" in [c.get("label") for c in room.server.controls(card)]
    done = await room.server.click(room.writer, card, "Submit")
    card = room.server.answer(done)
    assert "Saved — pending review" in room.server.text(card)
    assert [c.get("label") for c in room.server.controls(card)] == ["Next task"]
    assert await reads.answers(room.bank) == TONE_ANSWER
    assert not room.fake.refused


FILLER = "The detective counts the coins twice and still comes up short, so she laughs at last."
REWRITE = "Honestly? I'm dead on my feet after two shifts back to back."


def modal_answers(modal: dict) -> dict[str, object]:
    """Every input of a modal filled sensibly: ranking place n gets option n, text gets prose."""
    values: dict[str, object] = {}
    for label in modal["components"]:
        inner = label["component"]
        key = inner["custom_id"]
        if inner["type"] == 3:
            place = int(key.rsplit(".", 1)[1]) - 1
            values[key] = [next(o["label"] for o in inner["options"] if o["value"] == str(place))]
        elif label["label"].startswith("Your rewrite"):
            values[key] = REWRITE
        else:
            values[key] = " ".join([FILLER] * (6 if "scene" in label["label"].lower() else 1))
    return values


async def answer_card(room: Room, card: dict) -> dict:
    """Answer every question on the card, going through its pages; the card after."""
    server, answered, turns = room.server, set(), 0
    while turns < 10:
        turns += 1
        pending = [
            c
            for c in server.controls(card)
            if c["custom_id"].startswith("ans:") and c["custom_id"].split(":")[2] not in answered
        ]
        if pending:
            control = pending[0]
            answered.add(control["custom_id"].split(":")[2])
            if control["type"] == 2:
                done = await server.click(room.writer, card, control["custom_id"])
            else:
                done = await server.pick(
                    room.writer, card, control["custom_id"], [control["options"][0]["label"]]
                )
            card = server.answer(done)
            continue
        pages = [c for c in server.controls(card) if (c.get("label") or "").endswith("▸")]
        if not pages or turns > 8:
            break
        card = server.answer(await server.click(room.writer, card, pages[0]["custom_id"]))
        if not [
            c
            for c in server.controls(card)
            if c["custom_id"].startswith("ans:") and c["custom_id"].split(":")[2] not in answered
        ]:
            break
    return card


async def fill_forms(room: Room, card: dict) -> dict:
    """Open the answer form, fill each page, follow 'Go to page' notes; the last answer."""
    server = room.server
    button = next(c for c in server.controls(card) if c["custom_id"].startswith("form:"))
    opened = await server.click(room.writer, card, button["custom_id"])
    for _ in range(10):
        sent = await server.submit(room.writer, opened, modal_answers(opened.modal))
        card = server.answer(sent)
        further = [c for c in server.controls(card) if (c.get("label") or "").startswith("Go to")]
        if not further:
            return card
        opened = await server.click(room.writer, card, further[0]["custom_id"])
    raise AssertionError("the form never ended")


async def round_trip(room: Room, sample) -> None:  # type: ignore[no-untyped-def]
    """Import a sample, claim, answer every question as Discord lets you: saved, nothing refused."""
    await room.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(room)
    assignment = int(ids(room, card, "submit:")[0].split(":")[1])
    card = await answer_card(room, card)
    if ids(room, card, "form:"):
        card = await fill_forms(room, card)
    else:
        card = room.server.answer(await room.server.click(room.writer, card, "Submit"))
    assert "Saved — pending review" in room.server.text(card), room.server.text(card)
    assert not ids(room, card, "ans:") and not ids(room, card, "submit:")
    saved = await room.bank.submission_for(int(assignment))
    assert saved is not None and saved.writer_id == f"discord:{room.writer.id}"
    assert not room.fake.refused


@pytest.mark.parametrize("sample", sample_files(), ids=lambda path: path.stem)
async def test_every_template_round_trips_from_task_to_saved(room, sample):
    """Each built-in template: claim, answer every question as Discord lets you, saved."""
    await round_trip(room, sample)


async def test_user_text_is_shown_as_written(room):
    excerpt = "A: **bold** _it_ `code` ~~gone~~ ||spoiler||\n> quote\n# Heading\n- item\n1. first"
    excerpt += "\n[link](http://x) <@80351110224678912> @everyone"
    await room.bank.import_batch(
        jsonl(header(title="The *best* lines"), [{"id": "x1", "payload": {"excerpt": excerpt}}]),
        filename="t.jsonl",
    )
    card = await claim(room)
    assert card["embeds"][0]["title"].endswith(r"The \*best\* lines")
    shown = card["embeds"][0]["description"]
    assert r"\*\*bold\*\* \_it\_ \`code\` \~\~gone\~\~ \|\|spoiler\|\|" in shown
    assert "\n\\> quote\n\\# Heading\n\\- item\n1\\. first\n" in shown
    assert "\\[link\\](http://x) \\<@80351110224678912\\>" in shown
    # Nothing the bot posts can ping anyone.
    (edit,) = room.fake.called("PATCH", r"/messages/@original$")
    assert edit["allowed_mentions"] == {"parse": []}


async def test_a_3000_character_excerpt_is_shown_whole_in_the_card(room):
    sentence = "INT. KITCHEN — NIGHT. Mara slams the drawer & says *nothing*. "
    excerpt = (sentence * 60)[:3000]
    await room.bank.import_batch(
        jsonl(header(), [{"id": "long", "payload": {"excerpt": excerpt}}]), filename="long.jsonl"
    )
    card = await claim(room)
    shown = "".join(e.get("description") or "" for e in card["embeds"]).replace("\\", "")
    assert "".join(excerpt.split()) in "".join(shown.split())
    assert card["attachments"] == []
    assert not room.fake.refused


async def test_text_past_what_a_message_holds_is_attached_whole(room):
    fields = {f"part{i}": "text" for i in range(19)}
    payload = {name: (f"Scene {name} & *more* " * 60)[:1000] for name in fields}
    settings = header(
        template="custom",
        payload_fields=fields,
        questions=[{"id": "tone", "kind": "label", "prompt": "Tone?", "options": ["a", "b"]}],
    )
    await room.bank.import_batch(
        jsonl(settings, [{"id": "big", "payload": payload}]), filename="big.jsonl"
    )
    card = await claim(room)  # the fake answers 400 to anything over Discord's limits
    assert not room.fake.refused
    (attachment,) = card["attachments"]
    whole = room.fake.file_content(attachment).decode()
    assert all(value in whole for value in payload.values())
    assert attachment["filename"] in card["embeds"][-1]["description"]
    # Answering keeps the file; the outcome card drops it.
    aid = ids(room, card, "submit:")[0].split(":")[1]
    card = room.server.answer(await room.server.click(room.writer, card, f"ans:{aid}:tone:0"))
    assert len(card["attachments"]) == 1
    card = room.server.answer(await room.server.click(room.writer, card, "Submit"))
    assert card["attachments"] == []


def custom_batch(questions: list[dict], payload: dict | None = None, fields=None) -> bytes:
    payload = payload or {"excerpt": "A: Hello.\nB: Goodbye."}
    settings = header(
        template="custom", payload_fields=fields or {"excerpt": "text"}, questions=questions
    )
    return jsonl(settings, [{"id": "c1", "payload": payload}])


async def test_more_question_rows_than_fit_are_shown_a_page_at_a_time(room):
    """Six button questions and a menu need seven rows; Discord shows five: pages cycle."""
    questions = [
        {"id": f"q{i}", "kind": "label", "prompt": f"Question {i}?", "options": ["yes", "no"]}
        for i in range(6)
    ] + [{"id": "many", "kind": "labels", "prompt": "Which?", "options": ["a", "b", "c"]}]
    await room.bank.import_batch(custom_batch(questions), filename="wide.jsonl")
    card = await claim(room)
    assert len(card["components"]) == 5
    # Every question's current answer is on the card whatever the page.
    assert [f["name"] for f in card["embeds"][0]["fields"]][-7:] == [
        f"Question {n}" for n in range(1, 8)
    ]
    card = await answer_card(room, card)
    assert not room.fake.refused
    card = room.server.answer(await room.server.click(room.writer, card, "Submit"))
    assert "Saved — pending review" in room.server.text(card), room.server.text(card)
    saved = await reads.answers(room.bank)
    assert saved == {**{f"q{i}": "yes" for i in range(6)}, "many": ["a"]}


async def test_a_click_on_a_later_page_keeps_that_page(room):
    questions = [
        {"id": f"q{i}", "kind": "label", "prompt": f"Question {i}?", "options": ["yes", "no"]}
        for i in range(6)
    ]
    await room.bank.import_batch(custom_batch(questions), filename="wide.jsonl")
    card = await claim(room)
    pager = next(c for c in room.server.controls(card) if (c.get("label") or "").endswith("▸"))
    card = room.server.answer(await room.server.click(room.writer, card, pager["custom_id"]))
    later = [
        c["custom_id"] for c in room.server.controls(card) if c["custom_id"].startswith("ans:")
    ]
    assert all(":q4:" in i or ":q5:" in i for i in later) and later
    card = room.server.answer(await room.server.click(room.writer, card, later[0]))
    assert [c["custom_id"] for c in room.server.controls(card) if "ans:" in c["custom_id"]] == later


async def test_a_long_form_is_split_into_modals_of_five_and_each_page_is_kept(room):
    """Seven texts and a seven-place ranking: 14 inputs over three modals; a page saves only its
    own answers, and the ranking spanning two pages is put together."""
    questions = [
        {"id": f"t{i}", "kind": "text", "prompt": f"Line {i}", "max_chars": 200} for i in range(7)
    ] + [{"id": "order", "kind": "ranking", "prompt": "Rank", "options_from": "items"}]
    payload = {"excerpt": "A: Hi.", "items": [f"Ending {i}" for i in range(7)]}
    fields = {"excerpt": "text", "items": "text list"}
    await room.bank.import_batch(custom_batch(questions, payload, fields), filename="long.jsonl")
    card = await claim(room)
    opened = await room.server.click(room.writer, card, "Write your answer…")
    titles = []
    for _ in range(3):
        modal = opened.modal
        assert len(modal["components"]) <= 5
        titles.append(modal["title"])
        sent = await room.server.submit(room.writer, opened, modal_answers(modal))
        note = room.server.answer(sent)
        further = [
            c for c in room.server.controls(note) if (c.get("label") or "").startswith("Go to")
        ]
        if not further:
            break
        opened = await room.server.click(room.writer, note, further[0]["custom_id"])
    assert [t.rsplit(" ", 1)[1] for t in titles] == ["(1/3)", "(2/3)", "(3/3)"]
    assert "Saved — pending review" in room.server.text(note)
    saved = await reads.answers(room.bank)
    assert saved["order"] == [f"Ending {i}" for i in range(7)]
    assert all(saved[f"t{i}"] == FILLER for i in range(7))
    assert not room.fake.refused


async def test_a_form_with_errors_says_what_to_fix_and_reopens_with_the_text_kept(room):
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await room.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(room)
    original = card["embeds"][0]["description"].split("Line:\n", 1)[1].split("\n")[0]
    same = original.replace("\\", "").upper()  # the machine's line again, shouted
    opened = await room.server.click(room.writer, card, "Write your answer…")
    sent = await room.server.submit(room.writer, opened, {"rewrite": same})
    note = room.server.answer(sent)
    assert sent.callback == 4 and note["flags"] & 64  # a new private note; the card stays
    assert "Your rewrite" in room.server.text(note), room.server.text(note)
    again = await room.server.click(room.writer, note, "Fix it…")
    (label,) = again.modal["components"]
    assert label["component"]["value"] == same
    assert await reads.submission_count(room.bank) == 0


async def test_a_double_click_and_a_resubmitted_modal_store_one_submission(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    card = await answer_card(room, card)
    as_seen = copy.deepcopy(card)  # the second click comes from the card as it was
    first = await room.server.click(room.writer, card, "Submit")
    again = await room.server.click(room.writer, as_seen, "Submit")
    assert "already saved earlier" in room.server.text(room.server.answer(again))
    assert "Saved" in room.server.text(room.server.answer(first))
    assert await reads.submission_count(room.bank) == 1

    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await room.bank.import_batch(sample.read_bytes(), filename=sample.name)
    card = await claim(room, which="rewrite_dialogue")
    opened = await room.server.click(room.writer, card, "Write your answer…")
    for _ in range(2):
        await room.server.submit(room.writer, opened, {"rewrite": REWRITE})
    assert await reads.submission_count(room.bank) == 2


async def test_skip_release_and_a_stale_card(room):
    await room.bank.import_batch(tone_batch(3), filename="tone.jsonl")
    card = await claim(room)
    as_seen = copy.deepcopy(card)
    card = room.server.answer(await room.server.click(room.writer, card, "Skip…"))
    card = room.server.answer(await room.server.click(room.writer, card, "Yes, skip it"))
    assert "Skipped" in room.server.text(card)
    stale = await room.server.click(room.writer, as_seen, "Release…")  # an older copy of the card
    assert "Can't do that" in room.server.text(room.server.answer(stale))
    card = room.server.answer(await room.server.click(room.writer, card, "Next task"))
    card = room.server.answer(await room.server.click(room.writer, card, "Release…"))
    card = room.server.answer(await room.server.click(room.writer, card, "Yes, release it"))
    assert "Released" in room.server.text(card)
    assert await reads.assignment_states(room.bank) == {"skipped": 1, "released": 1}
    assert await reads.submission_count(room.bank) == 0


async def test_earnings_privately(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await answer_card(room, await claim(room))
    await room.server.click(room.writer, card, "Submit")
    answered = await room.server.command(room.writer, "earnings", {"period": "week"})
    shown = room.server.answer(answered)
    assert answered.callback == 5 and answered.callback_data["flags"] & 64
    assert "Your earnings" in room.server.text(shown) and "1 submitted" in room.server.text(shown)


async def test_the_largest_task_an_import_accepts_fits_discord(room):
    """20,000 characters over 20 fields, 10 questions, 25-option menus, a 25-place ranking."""
    await room.bank.import_batch(largest_batch(), filename="big.jsonl")
    card = await claim(room)
    opened = await room.server.click(room.writer, card, "Write your answer…")
    assert len(opened.modal["components"]) == 5
    assert opened.modal["title"].endswith("(1/6)")
    pager = next(c for c in room.server.controls(card) if (c.get("label") or "").endswith("▸"))
    card = room.server.answer(await room.server.click(room.writer, card, pager["custom_id"]))
    assert not room.fake.refused, room.fake.refused
    opened = await room.server.click(room.writer, card, "Write your answer…")
    for _ in range(6):  # fill the ranking's pages in turn until the essay's page opens
        inputs = {c["component"]["custom_id"]: c for c in opened.modal["components"]}
        if "essay" in inputs:
            break
        note = room.server.answer(
            await room.server.submit(room.writer, opened, modal_answers(opened.modal))
        )
        (onward,) = [c["label"] for c in room.server.controls(note)]
        assert onward.startswith("Go to page")
        opened = await room.server.click(room.writer, note, onward)
    essay = inputs["essay"]
    assert essay["component"]["max_length"] == 4000
    assert "Discord takes at most 4,000 characters" in essay["description"]


async def test_a_slow_answer_is_deferred_in_time_and_then_shown(room):
    """When the handler is slower than the deadline, the click is deferred (type 6) first and
    the card is edited through the interaction's webhook after."""
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    room.app.defer_after = 0  # every handler is "too slow"
    aid = ids(room, card, "submit:")[0].split(":")[1]
    done = await room.server.click(room.writer, card, f"ans:{aid}:pacing:2")
    assert done.callback == 6 and done.edits == 1
    assert "✓ 2" in [c.get("label") for c in room.server.controls(room.server.answer(done))]
    # A modal can only be a first answer: when that chance is gone, a button offers it again.
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await room.bank.import_batch(sample.read_bytes(), filename=sample.name)
    sam = room.other_writer
    card = await claim(room, sam, which="rewrite_dialogue")
    late = await room.server.click(sam, card, "Write your answer…")
    note = room.server.answer(late)
    assert late.callback == 6 and "Press again" in room.server.text(note)
    room.app.defer_after = 1.5
    again = await room.server.click(sam, note, "Open the form")
    assert again.modal is not None
    assert not room.fake.refused
