"""Characters a script may not hold (control characters, direction overrides, lone surrogates),
found where the writer can find them: the file's line and the column on it.

A task's excerpt would refuse them anyway, but at a position inside the excerpt, which no editor
shows. Whitespace controls (form feed, vertical tab, the separators U+001C–U+001F) are left alone:
every format squashes them into a space, as it does tabs and line breaks.
"""

from __future__ import annotations

from taskbank.batchrows import MAX_LISTED  # as many as a batch file's refusal lists
from taskbank.errors import Problem, ValidationFailed
from taskbank.safejson import text_problem


def _refused_here(text: str) -> bool:
    return text_problem("".join(text.split())) is not None


class ControlCharacters:
    """Collects the refused characters of one script's text, each located by line and column,
    the first MAX_LISTED listed and the lines of the rest counted."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self._unlisted_lines: set[int] = set()

    def check(self, text: str, line: int, column: int = 1) -> None:
        """Check text that starts in the file at `line` and `column` (both counted from 1)."""
        if not _refused_here(text):
            return
        if len(self.problems) >= MAX_LISTED:
            self._unlisted_lines.update(
                line + number for number, part in enumerate(text.split("\n")) if _refused_here(part)
            )
            return
        for char in text:
            if char == "\n":
                line, column = line + 1, 1
                continue
            problem = None if char.isspace() else text_problem(char)
            if problem is not None:
                if len(self.problems) < MAX_LISTED:
                    message = problem.replace(" at character 1", f" at column {column}", 1)
                    self.problems.append(Problem("text", message, f"{self.source}:{line}"))
                else:
                    self._unlisted_lines.add(line)
            column += 1

    def refusal(self) -> ValidationFailed | None:
        """Every character found, or None when the text is clean."""
        if not self.problems:
            return None
        listed = list(self.problems)
        if self._unlisted_lines:
            listed.append(
                Problem(
                    "text",
                    f"and such characters on {len(self._unlisted_lines):,} more line(s), not "
                    "listed; remove the ones above and import again to see the rest",
                    self.source,
                )
            )
        return ValidationFailed(listed, summary=f"{self.source}: refused; nothing was imported")


def check_lines(text: str, source: str) -> None:
    """Raise ValidationFailed listing the refused characters of a plain-text script by line, its
    lines ending as an editor ends them (\\r\\n, \\r or \\n)."""
    found = ControlCharacters(source)
    if _refused_here(text):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for number, line in enumerate(lines, start=1):
            found.check(line, number)
    refusal = found.refusal()
    if refusal is not None:
        raise refusal
