"""Each adapter owns its settings model; the configuration checks each platform's table with it."""

from __future__ import annotations

from typer.testing import CliRunner

from adapters.discord.settings import DiscordConfig
from adapters.slack.settings import SlackConfig
from bot.cli import app
from bot.config import Config, platform_settings


def test_each_platform_table_is_checked_by_its_adapters_own_model():
    assert platform_settings() == {"slack": SlackConfig, "discord": DiscordConfig}
    config = Config.model_validate({"slack": {"port": 3001}, "discord": {"guild_id": ""}})
    assert isinstance(config.slack, SlackConfig) and config.slack.port == 3001
    assert isinstance(config.discord, DiscordConfig)


def test_config_check_refuses_a_platform_table_its_adapter_refuses(tmp_path):
    path = tmp_path / "taskbot.toml"
    path.write_text('[chat]\nadapters = ["discord"]\n[discord]\nshard_id = 1\n')
    result = CliRunner().invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert "discord" in result.output and "shard_count together" in result.output
