"""Nothing Taskbot posts on Discord can ping anyone: every message it creates or edits — channel
posts, direct messages, interaction responses, follow-ups, edits by REST and through the
interaction's webhook, file uploads — says `allowed_mentions: {parse: []}`, whatever text it
carries. (The fake refuses any such request without it, so every Discord test checks this; here
the text is full of pings and every kind of send is exercised.)"""

from __future__ import annotations

import json
import re

import discord
import pytest

from bot.config import ScheduleConfig
from bot.scheduler import Jobs
from taskbank.sample_bank import sample_files
from tests.batches import header, jsonl
from tests.discord.conftest import Room
from tests.discord.test_discord_writer import claim, ids
from tests.discord_driver import Person

PINGS = "@everyone @here <@123> <@&456> <#789>"

# Every route by which a bot creates or edits a message, and the part of the body that is the
# message (an interaction callback carries it in `data`).
MESSAGE_ROUTES = {
    "channel post": ("POST", r"^/channels/\d+/messages$"),
    "channel edit": ("PATCH", r"^/channels/\d+/messages/\d+$"),
    "interaction response": ("POST", r"^/interactions/\d+/[^/]+/callback$"),
    "follow-up": ("POST", r"^/webhooks/\d+/[^/]+$"),
    "response edit": ("PATCH", r"^/webhooks/\d+/[^/]+/messages/@original$"),
    "follow-up edit": ("PATCH", r"^/webhooks/\d+/[^/]+/messages/\d+$"),
}


def message_bodies(room: Room) -> dict[str, list[dict]]:
    """The message bodies the bot sent, by route (callbacks that carry no message left out)."""
    found: dict[str, list[dict]] = {}
    for kind, (method, pattern) in MESSAGE_ROUTES.items():
        for method_, path, body in room.fake.calls:
            if method_ != method or not re.search(pattern, path):
                continue
            if kind == "interaction response":
                if body.get("type") not in (4, 7):
                    continue  # defers and modals carry no message
                body = body.get("data") or {}
            found.setdefault(kind, []).append(body)
    return found


async def test_every_message_the_bot_sends_or_edits_pings_no_one(room):
    pinging = Person("1300000000000000009", f"Ping {PINGS}")
    room.fake.add_member(pinging.member())
    settings = header(
        project=f"Proj {PINGS}", name=f"tone {PINGS}", title=f"Lines {PINGS}", review_rate=1.0
    )
    batch = jsonl(settings, [{"id": "x1", "payload": {"excerpt": f"A: Hi {PINGS}\nB: Bye."}}])

    # A coordinator imports it (the response edit names the batch) and lists it.
    await room.server.command(
        room.coordinator, "batch", sub="import", file=("t.jsonl", batch), channel=room.coordinators
    )
    await room.server.command(room.coordinator, "batch", sub="list", channel=room.coordinators)

    # A writer named with pings claims it, answers on the card (updates of the clicked message)
    # and submits.
    card = await claim(room, pinging)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    for question, label in (("tone", "tense"), ("genre", "noir")):
        card = room.server.answer(
            await room.server.pick(pinging, card, f"ans:{aid}:{question}", [label])
        )
    room.app.defer_after = 0  # the next answer comes late: a defer, then an edit by webhook
    card = room.server.answer(await room.server.click(pinging, card, f"ans:{aid}:pacing:3"))
    room.app.defer_after = 1.5
    card = room.server.answer(await room.server.click(pinging, card, "Submit"))
    assert "Saved" in room.server.text(card)

    # A rewrite task whose form opens too late: the note comes as a follow-up.
    sample = next(s for s in sample_files() if "rewrites" in s.name)
    await room.bank.import_batch(sample.read_bytes(), filename=sample.name)
    rewrite = await claim(room, room.other_writer, which="rewrite_dialogue")
    room.app.defer_after = 0
    await room.server.click(room.other_writer, rewrite, "Write your answer…")
    room.app.defer_after = 1.5

    # The QA sample goes to the review channel; a reviewer's ✅ edits it by REST.
    jobs = Jobs(room.app.bot.ctx, ScheduleConfig())
    assert await jobs.run_qa_sample() == 1
    (review,) = room.fake.in_channel(room.reviews)
    await room.server.react(room.reviewer, review, "✅")
    await room.server.wait_for(lambda: "Approved" in room.server.text(review), "the verdict")

    # The tally: a summary and its chart in the coordinators' channel, a DM to the writer.
    room.bank.clock.advance(days=8)
    await jobs.run_tally()
    assert room.fake.direct_to(pinging.id)

    # An export comes to the coordinator's DMs as a file with a comment.
    await room.server.command(
        room.coordinator, "batch", {"batch": 1}, sub="export", channel=room.coordinators
    )
    assert room.fake.direct_to(room.coordinator.id)

    bodies = message_bodies(room)
    assert set(bodies) >= {
        "channel post",
        "channel edit",
        "interaction response",
        "follow-up",
        "response edit",
    }
    for kind, sent in bodies.items():
        for body in sent:
            assert body.get("allowed_mentions") == {"parse": []}, (kind, body)
    assert any("@everyone" in json.dumps(body) for sent in bodies.values() for body in sent)
    assert not room.fake.refused
    for message in room.fake.messages.values():
        assert not message["mention_everyone"] and not message["mentions"], message
        assert not message["mention_roles"], message


async def test_the_fake_refuses_a_message_that_could_ping(room):
    """The fake's own rule, checked: without `allowed_mentions`, a create is a 400."""
    channel = room.app.client.get_partial_messageable(int(room.general))
    room.app.client.allowed_mentions = None  # a client without the default
    with pytest.raises(discord.HTTPException) as raised:
        await channel.send(content=f"hello {PINGS}")
    assert raised.value.status == 400
    assert "allowed_mentions: missing" in room.fake.refused[-1][1][0]
