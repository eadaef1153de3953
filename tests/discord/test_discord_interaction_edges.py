"""Discord interactions at their edges, through the real discord.py client: a scale point the
card never offered, an interaction naming nobody, a form button on a task with nothing to write."""

from __future__ import annotations

import asyncio
import copy

from tests.batches import tone_batch
from tests.discord.test_discord_refusals import stored
from tests.discord.test_discord_writer import claim as d_claim
from tests.discord.test_discord_writer import ids
from tests.discord_fake import APP_ID, GUILD_ID, Interaction


# 2a -- Discord: a scale button's pick that the card never offered is saved in the draft
async def test_discord_scale_point_not_offered_is_refused(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = copy.deepcopy(await d_claim(room))
    aid = ids(room, card, "submit:")[0].split(":")[1]
    before = await stored(room)
    await room.server.raw(
        room.writer, 3, {"custom_id": f"ans:{aid}:pacing:99", "component_type": 2}, message=card
    )
    assert await room.bank.draft(int(aid)) == {}  # today: {'pacing': 99}, card shows "Pacing: 99"
    assert await stored(room) == before


# 3 -- Discord: an interaction with neither member nor user is never acknowledged
async def test_discord_interaction_without_member_or_user_is_answered(room, caplog):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = copy.deepcopy(await d_claim(room))
    aid = ids(room, card, "submit:")[0].split(":")[1]
    iid = room.fake.snowflake()
    payload = {
        "id": iid,
        "application_id": APP_ID,
        "type": 3,
        "token": f"token-{iid}",
        "data": {"custom_id": f"ans:{aid}:pacing:3", "component_type": 2},
        "version": 1,
        "app_permissions": "0",
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10485760,
        "channel_id": room.general,
        "guild_id": GUILD_ID,
        "channel": room.fake.channels[room.general],
        "context": 0,
        "message": card,
    }  # no "member", no "user"
    record = Interaction(iid, payload["token"], 3, payload)
    room.fake.interactions[iid] = record
    await room.fake.dispatch("INTERACTION_CREATE", payload)
    await asyncio.sleep(3.2)
    assert "Ignoring exception in on_interaction" not in caplog.text  # today: AttributeError
    assert record.callback is not None  # today: None, Discord shows "This interaction failed"


# 4 -- Discord: form:<a> on a task with no form questions opens an empty modal Discord refuses
async def test_discord_form_button_on_a_task_without_form_questions_is_refused_politely(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = copy.deepcopy(await d_claim(room))
    aid = ids(room, card, "submit:")[0].split(":")[1]
    answered = await room.server.raw(
        room.writer, 3, {"custom_id": f"form:{aid}", "component_type": 2}, message=card
    )
    assert room.fake.refused == []  # today: callback 9 "components: must be between 1 and 5"
    assert "Discord refused" not in room.server.text(room.server.answer(answered))
