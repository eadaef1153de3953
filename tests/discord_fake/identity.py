"""The fake Discord's fixed ids, message flags and timings."""

from __future__ import annotations

TOKEN = "test-discord-token"
APP_ID = "1100000000000000001"
BOT_ID = "1100000000000000002"
GUILD_ID = "1100000000000000003"
EVERYONE_ROLE = GUILD_ID
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Discord's documented limits.
