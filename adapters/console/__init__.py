"""The embedded default chat: a terminal, drawn with rich, that needs no tokens."""

from adapters.console.chat import ConsoleChat
from adapters.console.session import ConsoleSession

__all__ = ["ConsoleChat", "ConsoleSession"]
