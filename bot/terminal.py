"""Printing to a terminal with rich, literally: text from files and people is never read as markup.

rich reads `[bold]…[/bold]` and `:emoji:` codes in every plain string it prints, in table cells and
titles, in status and progress descriptions. A batch named `tone [/x] pass` would then crash the
print (a closing tag with no opening one) and `[red]` inside a value would vanish. So the terminal
side prints only through these: a console that reads no markup in plain strings, `literal`, a rich
`Text` (which rich never parses) for the places that parse strings whatever the console says, and a
progress bar whose descriptions are shown as written.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text


def literal_console(**options: Any) -> Console:
    """A rich console whose plain strings are printed as they are: no markup, emoji codes or
    highlighting."""
    return Console(markup=False, emoji=False, highlight=False, **options)


def literal(*parts: str | tuple[str, str], style: str = "") -> Text:
    """Text printed as written; `parts` are strings or (string, style) pairs."""
    return Text.assemble(*parts, style=style)


def literal_progress(console: Console) -> Progress:
    """rich's default progress bar (transient), but its descriptions are not read as markup; drawn
    only on a terminal (elsewhere rich would leave an empty line behind)."""
    return Progress(
        TextColumn("{task.description}", markup=False, style="progress.description"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
