"""A screenplay attached to /batch import in chat: a preview card first, the import on confirm."""

from __future__ import annotations

import pytest

from bot.events import Actor, Attachment, CommandEvent, Place
from bot.handlers.context import BotContext
from bot.handlers.scripts import has_script, import_script_command
from bot.roles import Roles
from taskbank.errors import NotAllowed, ValidationFailed
from tests.fake_chat import FakeChat
from tests.inspect_db import query
from tests.screenplay.scripts import sample, scanned_pdf

COORDINATOR = Actor("test", "cora")
WRITER = Actor("test", "wendy")


@pytest.fixture
def chat() -> FakeChat:
    return FakeChat()


@pytest.fixture
def ctx(bank, chat) -> BotContext:
    roles = Roles(writers=("*",), reviewers=(), coordinators=("test:cora",))
    return BotContext(bank, chat, roles)


def batch_import(*args, files=(), actor=COORDINATOR):
    attachments = tuple(Attachment(name, data) for name, data in files)
    return CommandEvent(actor, Place("coordinators"), "batch", ("import", *args), attachments)


async def tasks(bank) -> int:
    return (await query(bank.store, "SELECT COUNT(*) FROM tasks"))[0][0]


async def test_a_script_gets_a_preview_card_then_imports_on_confirm(ctx, chat, bank):
    args = ("template=dialogue_tone", "unit=scene", "pay=40", "project=Noir", "name=night")
    event = batch_import(*args, files=[sample("night_shift", "fdx")])
    assert has_script(event)
    await import_script_command(ctx, event)
    preview = chat.last("post")
    assert preview.visibility == "private" and preview.to == "test:cora"
    card = preview.card
    assert card.title == "Preview: night_shift.fdx → 4 scene tasks"
    facts = {f.label: f.value for f in card.fields}
    assert facts["Pay"] == "4 × $0.40 × overlap 1 = $1.60" and facts["Budget"] == "no cap"
    assert facts["Skipped"] == "1"
    text = "\n".join(card.blocks)
    assert "Tasks per unit: scene 5 · page 3 · exchange 4 · character-scene 7" in text
    assert "night_shift.fdx#s002: no dialogue" in text
    assert "night_shift.fdx#s001\n" in text and "        Kitchen closed an hour ago." in text
    assert "confirm" in card.footer
    assert await tasks(bank) == 0

    await import_script_command(
        ctx, batch_import(*args, "confirm", files=[sample("night_shift", "fdx")])
    )
    done = chat.last("post").card
    assert done.title == "Imported batch 1: night" and done.tone == "success"
    assert "4 scene tasks from night_shift.fdx, $0.40 each, overlap 1; 1 skipped." in done.blocks[0]
    assert await tasks(bank) == 4


async def test_a_refused_script_answers_with_the_reason_and_stores_nothing(ctx, chat, bank):
    event = batch_import(
        "template=plot_beat", "unit=page", "pay=10", "confirm", files=[("scan.pdf", scanned_pdf())]
    )
    await import_script_command(ctx, event)
    card = chat.last("post").card
    assert card.tone == "error" and card.title == "scan.pdf: nothing was imported"
    assert "has no text layer" in card.blocks[0]
    assert await tasks(bank) == 0


async def test_settings_can_come_as_an_attached_json_file(ctx, chat, bank):
    settings = b'{"project": {"name": "Tide", "budget_cap_cents": 100}, "pay_cents": 60}'
    event = batch_import(
        "template=character_motivation",
        "unit=character-scene",
        files=[sample("low_tide", "fountain"), ("settings.json", settings)],
    )
    await import_script_command(ctx, event)
    facts = {f.label: f.value for f in chat.last("post").card.fields}
    assert facts["Project"] == "Tide"
    assert facts["Budget"] == "$1.00 — over: claims stop at the cap"


async def test_missing_options_are_a_usage_error(ctx, bank):
    with pytest.raises(ValidationFailed, match="say which unit"):
        await import_script_command(
            ctx, batch_import("template=plot_beat", "pay=5", files=[sample("low_tide", "pdf")])
        )
    with pytest.raises(ValidationFailed, match="'colour=red' is not an option"):
        await import_script_command(
            ctx, batch_import("colour=red", files=[sample("low_tide", "pdf")])
        )


async def test_only_coordinators_may_import_scripts(ctx, bank):
    with pytest.raises(NotAllowed):
        await import_script_command(
            ctx,
            batch_import(
                "template=plot_beat",
                "unit=scene",
                "pay=5",
                "confirm",
                files=[sample("low_tide", "pdf")],
                actor=WRITER,
            ),
        )
    assert await tasks(bank) == 0


async def test_quoted_names_and_a_slack_file_link_in_the_command_text(ctx, chat, bank):
    event = batch_import(
        "<https://files.slack.com/files-pri/T1-F0ABCDEF12/low_tide.pdf|low_tide.pdf>",
        "template=plot_beat",
        "unit=page",
        "pay=25",
        'project="Coastal',
        'drama"',
        "name=“tide",
        "pages”",
        files=[sample("low_tide", "pdf")],
    )
    await import_script_command(ctx, event)
    facts = {f.label: f.value for f in chat.last("post").card.fields}
    assert facts["Project"] == "Coastal drama"
    assert facts["Batch"] == "tide pages (plot_beat)"
