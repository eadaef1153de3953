"""The Slack adapter: slack-bolt in HTTP or Socket Mode, Block Kit cards, modals and reactions."""
