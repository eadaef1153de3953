"""A moderator clearing reactions on a review card: Discord sends MESSAGE_REACTION_REMOVE_ALL (every
reaction on the message) or MESSAGE_REACTION_REMOVE_EMOJI (every reaction of one emoji on it),
naming neither who cleared them nor whose they were. Each reaction cleared may be given again,
and given again it is a new reaction, not the gateway replaying the first: it is answered.
Reactions the clear did not touch (another emoji's, another message's) still count once."""

from __future__ import annotations

from adapters.discord.inbound import PLATFORM, reaction_key
from bot.config import ScheduleConfig
from bot.pipeline.once import delivery_key
from bot.scheduler import Jobs
from tests.batches import TONE_ANSWER, tone_batch
from tests.discord.test_discord_review import posted_sample, submitted
from tests.discord_driver import Person


def told(room, who: Person, words: str, count: int):
    """A check: `who` has had `count` direct messages saying `words`."""

    def check():
        said = [m for m in room.fake.direct_to(who.id) if words in room.server.text(m)]
        return len(said) >= count or None

    return check


def asks_for_a_reason(room, count: int):
    """A check: the reviewer has been asked `count` times for a rejection's reason."""
    return told(room, room.reviewer, "Why reject", count)


def ignored_for(room, who: Person, count: int):
    """A check: `who`, no reviewer, has been told `count` times their reaction is no verdict."""
    return told(room, who, "Reaction ignored", count)


async def still_taken(room, card: dict, emoji: str, who: Person) -> bool:
    """Whether the reaction's key is still taken, so the gateway replaying it would be dropped
    (asking takes the key when it was not: only ask once the answer can no longer change)."""
    key = delivery_key(PLATFORM, reaction_key(int(card["id"]), emoji, int(who.id)))
    return not await room.bank.first_delivery(key)


async def two_cards(room) -> list[dict]:
    """Two submissions, one by each writer, posted to the review channel as two cards."""
    await room.bank.import_batch(tone_batch(2, review_rate=1.0), filename="tone.jsonl")
    for number, writer in enumerate((room.writer, room.other_writer)):
        claimed = await room.bank.claim(f"discord:{writer.id}")
        await room.bank.submit(
            claimed.assignment.id, f"discord:{writer.id}", TONE_ANSWER, f"k{number}"
        )
    assert await Jobs(room.app.bot.ctx, ScheduleConfig()).run_qa_sample() == 2
    cards = room.fake.in_channel(room.reviews)
    assert len(cards) == 2
    return cards


async def test_a_cross_given_again_after_all_reactions_were_cleared_asks_again(room):
    card, other_card = await two_cards(room)
    bystander = room.other_writer  # no reviewer: told their reaction is no verdict
    await room.server.react(room.reviewer, card, "❌")
    await room.server.wait_for(asks_for_a_reason(room, 1), "the request for a reason")
    await room.server.react(room.reviewer, other_card, "❌")
    await room.server.wait_for(asks_for_a_reason(room, 2), "the request on the other card")
    await room.server.react(bystander, card, "✅")
    await room.server.wait_for(ignored_for(room, bystander, 1), "the bystander told")

    await room.server.clear_reactions(card)  # MESSAGE_REACTION_REMOVE_ALL
    await room.server.react(room.reviewer, card, "❌")
    await room.server.wait_for(asks_for_a_reason(room, 3), "a second request on the cleared card")
    await room.server.react(bystander, card, "✅")  # whoever reacted, their key was released
    await room.server.wait_for(ignored_for(room, bystander, 2), "the bystander told again")

    assert await still_taken(room, other_card, "❌", room.reviewer)  # another message's stays


async def test_clearing_one_emoji_releases_its_reactions_and_leaves_the_others(room):
    await submitted(room)
    card = await posted_sample(room)
    bystander = room.other_writer
    await room.server.react(room.reviewer, card, "❌")
    await room.server.wait_for(asks_for_a_reason(room, 1), "the request for a reason")
    await room.server.react(bystander, card, "✅")
    await room.server.wait_for(ignored_for(room, bystander, 1), "the bystander told")

    await room.server.clear_reactions(card, "✅")  # MESSAGE_REACTION_REMOVE_EMOJI
    await room.server.react(bystander, card, "✅")
    await room.server.wait_for(ignored_for(room, bystander, 2), "the cleared ✅ answered again")
    assert await still_taken(room, card, "❌", room.reviewer)  # not cleared: a replay still drops

    await room.server.clear_reactions(card, "❌")
    await room.server.react(room.reviewer, card, "❌")
    await room.server.wait_for(asks_for_a_reason(room, 2), "a second request for a reason")
