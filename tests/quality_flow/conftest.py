"""The Slack fixtures (fake Slack, the real bolt app over HTTP) for the end-to-end tests here."""

from tests.slack.conftest import fake_slack, slack_app, slack_bank, workspace

__all__ = ["fake_slack", "slack_app", "slack_bank", "workspace"]
