"""Taskbot on Discord: discord.py client, slash commands, components, modals and reactions."""
