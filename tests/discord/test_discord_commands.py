"""Discord's app-command tree is the command declaration (bot/commands.py), option for option."""

from __future__ import annotations

import discord

from adapters.discord.app import intents
from adapters.discord.commands import command_tree, fitted
from bot.commands import COMMANDS, Option

OPTION_TYPES = {
    "text": discord.AppCommandOptionType.string,
    "words": discord.AppCommandOptionType.string,
    "id": discord.AppCommandOptionType.integer,
    "choice": discord.AppCommandOptionType.string,
    "file": discord.AppCommandOptionType.attachment,
    "user": discord.AppCommandOptionType.user,
}


async def never(*_: object) -> None:
    raise AssertionError("nothing runs while the tree is only read")


def tree_payload() -> dict[str, dict]:
    tree = command_tree(discord.Client(intents=intents()), never, never)
    return {command.name: command.to_dict(tree) for command in tree.get_commands()}


def expected_option(option: Option) -> dict:
    return {
        "name": option.name,
        "description": fitted(option.description),
        "type": OPTION_TYPES[option.kind].value,
        "required": option.required,
        "choices": sorted(option.choices),
    }


def seen_option(sent: dict) -> dict:
    return {
        "name": sent["name"],
        "description": sent["description"],
        "type": sent["type"],
        "required": sent.get("required", False),
        "choices": sorted(choice["value"] for choice in sent.get("choices", [])),
    }


def test_every_declared_command_is_registered_with_its_description():
    registered = tree_payload()
    assert list(registered) == [command.name for command in COMMANDS]
    for command in COMMANDS:
        assert registered[command.name]["description"] == fitted(command.description)


def test_options_and_subcommands_are_the_declared_ones_with_their_types():
    registered = tree_payload()
    for command in COMMANDS:
        options = registered[command.name].get("options", [])
        if not command.subcommands:
            assert sorted(map(seen_option, options), key=str) == sorted(
                map(expected_option, command.options), key=str
            )
            continue
        subcommands = {sub["name"]: sub for sub in options}
        assert list(subcommands) == [sub.name for sub in command.subcommands]
        for sub in command.subcommands:
            sent = subcommands[sub.name]
            assert sent["type"] == discord.AppCommandOptionType.subcommand.value
            assert sent["description"] == fitted(sub.description)
            assert sorted(map(seen_option, sent.get("options", [])), key=str) == sorted(
                map(expected_option, sub.options), key=str
            )


def test_an_id_is_a_positive_integer_and_words_keep_their_length_limit():
    batch = {sub["name"]: sub for sub in tree_payload()["batch"]["options"]}
    (batch_id,) = batch["status"]["options"]
    assert batch_id["min_value"] == 1
    words = {o["name"]: o for o in batch["import"]["options"]}["options"]
    assert words["max_length"] == 400


def test_a_description_past_discords_100_characters_is_cut_with_an_ellipsis():
    assert fitted("x" * 100) == "x" * 100
    assert fitted("x" * 150) == "x" * 99 + "…"
