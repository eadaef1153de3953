"""The platform-neutral core of Taskbot: tasks, questions, storage, the pay ledger.

Nothing in this package knows about chats; `bot/` and `adapters/` build on it.
"""
