"""Forgetting delivery keys by how they begin (a moderator's clear of a message's reactions
releases the key of every reaction on it): exactly the keys that begin so, whatever characters the
ids hold. On both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.store.conftest import NOW

KEEP_SINCE = NOW - timedelta(hours=1)


async def taken(store, *keys: str) -> None:
    for key in keys:
        assert await store.first_delivery(key, NOW, KEEP_SINCE)


async def still_taken(store, key: str) -> bool:
    """Whether the key is still recorded (asking takes it when it was not)."""
    return not await store.first_delivery(key, NOW, KEEP_SINCE)


async def test_every_key_that_begins_so_is_forgotten_and_no_other(store):
    await taken(store, "discord:12:✅:7", "discord:12:❌:8", "discord:123:✅:7", "slack:12:✅:7")
    assert await store.forget_deliveries_starting_with("discord:12:") == 2
    assert not await still_taken(store, "discord:12:✅:7")
    assert not await still_taken(store, "discord:12:❌:8")
    assert await still_taken(store, "discord:123:✅:7")  # another message, whose id goes on
    assert await still_taken(store, "slack:12:✅:7")  # another platform


async def test_a_start_of_one_emoji_leaves_the_other_emojis_keys(store):
    await taken(store, "discord:12:✅:7", "discord:12:❌:7")
    assert await store.forget_deliveries_starting_with("discord:12:✅:") == 1
    assert await still_taken(store, "discord:12:❌:7")
    assert not await still_taken(store, "discord:12:✅:7")


@pytest.mark.parametrize("wildcard", ["%", "_"])
async def test_like_wildcards_in_a_start_match_only_themselves(store, wildcard):
    own = f"discord:1{wildcard}:✅:7"
    await taken(store, own, "discord:1x:✅:7", "discord:1:✅:7", "discord:1xy:✅:7")
    assert await store.forget_deliveries_starting_with(f"discord:1{wildcard}:") == 1
    assert not await still_taken(store, own)
    for other in ("discord:1x:✅:7", "discord:1:✅:7", "discord:1xy:✅:7"):
        assert await still_taken(store, other), other


async def test_a_backslash_in_a_start_is_a_backslash(store):
    await taken(store, "discord:a\\%:1", "discord:a%:1", "discord:a\\x:1")
    assert await store.forget_deliveries_starting_with("discord:a\\%:") == 1
    assert await still_taken(store, "discord:a%:1")
    assert await still_taken(store, "discord:a\\x:1")


async def test_a_start_differing_only_in_case_forgets_nothing(store):
    await taken(store, "discord:AB:✅:7")
    assert await store.forget_deliveries_starting_with("discord:ab:") == 0
    assert await still_taken(store, "discord:AB:✅:7")


async def test_an_empty_start_is_refused_and_forgets_nothing(store):
    await taken(store, "discord:12:✅:7")
    with pytest.raises(ValueError, match="start is needed"):
        await store.forget_deliveries_starting_with("")
    assert await still_taken(store, "discord:12:✅:7")


async def test_the_bank_releases_deliveries_by_their_start(bank):
    assert await bank.first_delivery("discord:12:✅:7")
    assert await bank.forget_deliveries_starting_with("discord:12:") == 1
    assert await bank.first_delivery("discord:12:✅:7")  # taken again: a new reaction
