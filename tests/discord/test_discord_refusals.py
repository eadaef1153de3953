"""Every bad argument on Discord is a refusal, never a traceback: slash commands, clicks, menu
picks and modal submits whose data has the wrong type or shape (as a stale command list or a
hand-made payload would send) are answered with a polite private note, and nothing is stored.
An unexpected failure is told to the person and logged."""

from __future__ import annotations

from typing import Any

import pytest

from tests import bank_reads as reads
from tests.batches import tone_batch
from tests.discord.conftest import Room
from tests.discord.test_discord_writer import claim, ids
from tests.discord_driver import Interaction, Person
from tests.discord_fake import EPHEMERAL, GUILD_ID


def command(room: Room, name: str, options: Any) -> dict[str, Any]:
    """A slash command's data exactly as given (the driver's builder types options right)."""
    return {"id": room.fake.snowflake(), "name": name, "type": 1, "guild_id": GUILD_ID,
            "options": options}  # fmt: skip


def sub(name: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "type": 1, "options": list(options)}


async def send(room: Room, who: Person, kind: int, data: dict[str, Any], **kw: Any) -> Interaction:
    return await room.server.raw(who, kind, data, **kw)


def note(room: Room, answered: Interaction) -> dict[str, Any]:
    """The private note that answered, with a check that it is one."""
    message = room.server.answer(answered)
    assert message["flags"] & EPHEMERAL, message
    assert "Something went wrong" not in room.server.text(message)
    return message


async def stored(room: Room) -> list[tuple]:
    batches = [(batch.id, str(batch.state)) for batch in await room.bank.list_batches()]
    drafts = await reads.saved_drafts(room.bank, f"discord:{room.writer.id}")
    return [*batches, drafts, await reads.submission_count(room.bank)]


COMMANDS = {
    "a word where the batch id belongs": (
        "batch",
        [sub("pause", {"name": "batch", "type": 3, "value": "yesterday"})],
        "is not a batch id",
    ),
    "a number too large to be an id": (
        "batch",
        [sub("close", {"name": "batch", "type": 4, "value": 10**30})],
        "is not a batch id",
    ),
    "the batch id missing": ("batch", [sub("pause")], "came without the options"),
    "an unknown subcommand": ("batch", [sub("obliterate")], "no such command"),
    "an unknown command": ("nuke", [], "no such command"),
    "a group without its subcommand": ("batch", [], "came without the options"),
    "options that are not a list": ("batch", "pause", "its options are not a list"),
    "an option with no value": (
        "batch",
        [sub("pause", {"name": "batch", "type": 4, "value": {"$gt": 0}})],
        "came without a plain value",
    ),
    "a period not among the choices": (
        "earnings",
        [{"name": "period", "type": 3, "value": "century"}],
        "expected day, week or month",
    ),
    # discord.py reads these values by their declared type before anything of ours runs
    "a file name where the attachment belongs": (
        "batch",
        [sub("import", {"name": "file", "type": 11, "value": "big.jsonl"})],
        "the option 'file' should be a file, not 'big.jsonl'",
    ),
    "an empty attachment": (
        "batch",
        [sub("import", {"name": "file", "type": 11, "value": ""})],
        "the option 'file' should be a file, not empty",
    ),
    "a name where the user belongs": (
        "bonus",
        [
            {"name": "writer", "type": 6, "value": "@rita"},
            {"name": "amount", "type": 3, "value": "2.50"},
            {"name": "reason", "type": 3, "value": "good"},
        ],
        "the option 'writer' should be a user, not '@rita'",
    ),
    "a word sent as a number": (
        "task",
        [{"name": "which", "type": 10, "value": "tone"}],
        "the option 'which' should be a number, not 'tone'",
    ),
    "a number too large for a snowflake": (
        "bonus",
        [{"name": "writer", "type": 6, "value": 1e999}],
        "the option 'writer' should be a user, not 'inf'",
    ),
    "a file option that resolves to nothing": (
        "batch",
        [sub("import", {"name": "file", "type": 11, "value": "1999"})],
        "Attach a JSONL or CSV file",
    ),
}


@pytest.mark.parametrize("case", list(COMMANDS))
async def test_a_malformed_slash_command_is_refused_in_words_and_changes_nothing(room, case):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    before = await stored(room)
    name, options, said = COMMANDS[case]
    answered = await send(
        room, room.coordinator, 2, command(room, name, options), channel=room.coordinators
    )
    assert said in room.server.text(note(room, answered))
    assert await stored(room) == before


async def test_resolved_values_that_are_not_objects_are_refused(room):
    data = command(room, "batch", [sub("import", {"name": "file", "type": 11, "value": "1"})])
    data["resolved"] = {"attachments": ["big.jsonl"]}
    answered = await send(room, room.coordinator, 2, data, channel=room.coordinators)
    assert "its resolved values are not objects" in room.server.text(note(room, answered))
    assert room.fake.downloads == []


@pytest.mark.parametrize(
    "resolved",
    [
        {"users": {"1": {}}},
        {"users": {"1": {"id": "x"}}},
        {"attachments": {"1": {"id": "1"}}},
        # a snowflake of infinity (discord.py's JSON reads `Infinity`): no id either
        {
            "attachments": {
                "1": {"id": 1e999, "filename": "a", "size": 1, "url": "u", "proxy_url": "p"}
            }
        },
        {
            "users": {"1": {"id": "1", "username": "u", "discriminator": "0", "avatar": None}},
            "members": {"1": {"roles": [1e999], "flags": 0}},
        },
    ],
)
async def test_resolved_values_discord_py_cannot_read_are_refused(room, resolved):
    data = command(room, "batch", [sub("import", {"name": "file", "type": 11, "value": "1"})])
    data["resolved"] = resolved
    answered = await send(room, room.coordinator, 2, data, channel=room.coordinators)
    assert "its resolved users, roles, channels or files are incomplete" in room.server.text(
        note(room, answered)
    )
    assert room.fake.downloads == []


async def test_a_number_where_text_belongs_is_read_as_text(room):
    answered = await send(
        room, room.writer, 2, command(room, "task", [{"name": "which", "type": 4, "value": 7}])
    )
    assert "Nothing to claim" in room.server.text(note(room, answered))


async def test_a_hundred_characters_of_junk_in_a_custom_id_is_refused(room):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    before = await stored(room)
    junk = {"custom_id": "\x00z:ans:" * 14 + "xx", "component_type": 2}
    assert len(junk["custom_id"]) == 100
    answered = await send(room, room.writer, 3, junk, message=card)
    assert "is not a control this bot made" in room.server.text(note(room, answered))
    assert await stored(room) == before


@pytest.mark.parametrize("values", [["99"], ["0", "zzz"], "0", [{"value": "0"}]])
async def test_menu_picks_the_menu_does_not_offer_are_refused(room, values):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    before = await stored(room)
    menu = room.server.select(card, f"ans:{aid}:tone")
    pick = {"custom_id": menu["custom_id"], "component_type": 3, "values": values}
    answered = await send(room, room.writer, 3, pick, message=card)
    assert "not one the menu offers" in room.server.text(note(room, answered))
    assert await stored(room) == before
    assert await room.bank.draft(int(aid)) == {}


@pytest.mark.parametrize(
    "components",
    [
        [],
        [{"type": 18, "component": {"type": 4, "value": "no custom id"}}],
        ["x", 5, None, {"type": 18}, {"type": 18, "component": {"type": 3, "custom_id": "r"}}],
    ],
)
async def test_a_modal_without_its_inputs_stores_nothing(room, components):
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    card = await claim(room)
    aid = ids(room, card, "submit:")[0].split(":")[1]
    before = await stored(room)
    modal = {"custom_id": f"answer:{aid}", "components": components}
    answered = await send(room, room.writer, 5, modal, channel=room.general, message=card)
    shown = room.server.text(room.server.answer(answered))
    assert "an answer is required" in shown and "Something went wrong" not in shown
    assert await stored(room) == before
    assert await room.bank.draft(int(aid)) == {}


async def test_a_modal_with_a_junk_custom_id_is_refused(room):
    answered = await send(
        room, room.writer, 5, {"custom_id": "y" * 100, "components": []}, channel=room.general
    )
    assert "is not a control this bot made" in room.server.text(note(room, answered))


async def test_an_unexpected_failure_is_told_to_the_person_and_logged(room, caplog):
    # Discord answers the bot's request for a DM channel with something no Discord would send:
    # discord.py cannot read it, and the bot did not expect that.
    await room.bank.import_batch(tone_batch(1), filename="tone.jsonl")
    room.fake.answer_next("POST", r"^/users/@me/channels$", {"unexpected": True})
    answered = await room.server.command(
        room.coordinator, "batch", {"batch": 1}, sub="export", channel=room.coordinators
    )
    shown = room.server.text(room.server.answer(answered))
    assert "Something went wrong" in shown and "it is logged" in shown
    assert "handling CommandEvent failed" in caplog.text
