"""A fake Discord on 127.0.0.1: the gateway (HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats,
dispatched events) and the REST routes Taskbot calls — interaction callbacks, webhooks for
follow-ups and edits, channel messages, reactions, direct messages, command registration and
attachment downloads — answering like Discord, 400s and 429s included.

The limit checks are written from Discord's reference pages (message, embed, component and modal
limits), independently of the adapter's drawing code, so a card that breaks one fails a test.

Like Discord, it drops an interaction whose first answer comes more than 3 seconds after it was
sent (404, Unknown interaction), and a message created with `nonce` and `enforce_nonce` whose
nonce it saw from the same author within the last few minutes is not created again: the earlier
message comes back instead.

Stricter than Discord, on purpose: every request that creates or edits a message must carry
`allowed_mentions` that pings no one (`parse: []`, no users, no roles, no replied user), or it
gets a 400 — Taskbot's rule, so every test checks it.

A package of small parts: identity.py (ids, flags), limits.py, gateway.py, rest.py, server.py
(the FakeDiscord that joins them), payloads.py (builders) and http.py.
"""

from tests.discord_fake.identity import (
    APP_ID,
    BOT_ID,
    EPHEMERAL,
    EVERYONE_ROLE,
    GUILD_ID,
    LOADING,
    TOKEN,
)
from tests.discord_fake.interactions import Interaction
from tests.discord_fake.limits import (
    ANSWER_WITHIN,
    LIMITS,
    NONCE_MEMORY,
    component_problems,
    embed_problems,
    mention_problems,
    mentions,
    message_problems,
    modal_problems,
    sent_problems,
)
from tests.discord_fake.payloads import user_object
from tests.discord_fake.server import FakeDiscord, GatedDiscord

__all__ = [
    "ANSWER_WITHIN",
    "APP_ID",
    "BOT_ID",
    "EPHEMERAL",
    "EVERYONE_ROLE",
    "GUILD_ID",
    "LIMITS",
    "LOADING",
    "NONCE_MEMORY",
    "TOKEN",
    "FakeDiscord",
    "GatedDiscord",
    "Interaction",
    "component_problems",
    "embed_problems",
    "mention_problems",
    "mentions",
    "message_problems",
    "modal_problems",
    "sent_problems",
    "user_object",
]
