"""`taskbot run` on Discord with a refused token: one clear error, no scheduler at work."""

from __future__ import annotations

import asyncio
import os
import sys


async def test_a_refused_token_is_one_error_and_no_scheduled_job_runs(fake_discord, tmp_path):
    # given a configuration whose Discord token the platform refuses, with the scheduler on
    reviews, coordinators = fake_discord.add_channel("r"), fake_discord.add_channel("c")
    path = tmp_path / "taskbot.toml"
    path.write_text(
        f'[database]\nurl = "{tmp_path / "taskbot.db"}"\n[chat]\nadapters = ["discord"]\n'
        f'[discord]\napi_url = "{fake_discord.api_url}"\n'
        f'gateway_url = "{fake_discord.gateway_url}"\n'
        f'review_channel = "{reviews}"\ncoordinator_channel = "{coordinators}"\n'
    )
    # when `taskbot run` starts
    done = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--config", str(path),
        env={**os.environ, "DISCORD_TOKEN": "wrong"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(done.communicate(), 60)
    # then it says the token was refused and exits 2, and no job ran into the refused chat
    assert done.returncode == 2
    assert "was refused by Discord" in out.decode()
    assert "Traceback" not in out.decode()
    assert not fake_discord.in_channel(coordinators)
