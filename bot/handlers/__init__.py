"""Handlers by role: neutral event in, TaskBank calls, neutral UI out through the chat port."""
