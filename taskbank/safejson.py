"""Untrusted JSON, read safely: one loader that fails only with UnreadableJson, and checks that
every value read can be stored as UTF-8 and written back as standard JSON.

Python's `json.loads` accepts `NaN` and `Infinity`, turns `1e400` into infinity, keeps lone
surrogates from `\\ud800` escapes, and raises RecursionError or ValueError on deep nesting and
very long numbers. Batch files and settings come from anyone, so every JSON read of them goes
through here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from taskbank.answer_text import measure as measure_text

# Whole numbers beyond this are not read back exactly by every JSON reader (JavaScript's
# Number.MAX_SAFE_INTEGER), and they overflow the stores' 64-bit integers long before digits run out.
MAX_SAFE_INTEGER = 2**53 - 1
MAX_PROBLEMS_PER_VALUE = 3

# Text may hold tabs and line breaks (\n, \r, and NEL, U+0085, which text pasted from the web
# carries); every other C0 or C1 control character and every lone surrogate is refused.
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
# Ids, field names and other one-line values hold no control characters or line breaks at all.
_BAD_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# Direction overrides, embeddings and isolates reorder what a reader sees (answers refuse them
# too); one-line values refuse the plain direction marks as well.
_BIDI_IN_TEXT = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_IN_NAME = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


class UnreadableJson(Exception):
    """A JSON text could not be read; `detail` says why, `line` where (for multi-line texts)."""

    def __init__(self, detail: str, line: int | None = None) -> None:
        super().__init__(detail)
        self.detail, self.line = detail, line


def _exact_float(literal: str) -> float:
    value = float(literal)
    mantissa = literal.lower().partition("e")[0]
    if value == 0.0 and any(digit in mantissa for digit in "123456789"):
        raise UnreadableJson(f"{literal[:20]} is too small for standard JSON (it reads as 0)")
    return value


def _refuse_constant(name: str) -> Any:
    raise UnreadableJson(f"{name} is not standard JSON; write a number or null")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep its last value (`"pay_cents": 40, "pay_cents": 4000`).
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise UnreadableJson(
                    f"the key '{printable(key)}' appears twice in one object; give each key once"
                )
            seen.add(key)
    return found


def load_json(text: str) -> Any:
    """Parse JSON text, or raise UnreadableJson saying why; never anything else. An object that
    repeats a key is refused (json.loads would keep the last value)."""
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_exact_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at")  # "Invalid control character at"
        raise UnreadableJson(f"{message} at column {error.colno}", error.lineno) from None
    except RecursionError:
        raise UnreadableJson("nested too deeply to read") from None
    except ValueError:
        # The only other ValueError json.loads raises: an integer literal past Python's
        # int-string conversion limit (4,300 digits).
        raise UnreadableJson("a number has too many digits to read") from None


@dataclass(frozen=True)
class Shape:
    """How big a JSON value is: characters of text (keys of nested objects included), deepest
    nesting (a scalar is 0, a list of scalars 1) and number of values inside it."""

    chars: int
    depth: int
    items: int


def measure(value: Any) -> Shape:
    """The shape of a JSON value, without recursion (any depth is safe)."""
    chars = depth = items = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, level = stack.pop()
        depth = max(depth, level)
        if isinstance(current, str):
            chars += len(current)
        elif isinstance(current, dict):
            items += len(current)
            for key, item in current.items():
                chars += len(key)
                stack.append((item, level + 1))
        elif isinstance(current, list):
            items += len(current)
            stack.extend((item, level + 1) for item in current)
        elif isinstance(current, int | float) and not isinstance(current, bool):
            chars += len(repr(current))
    return Shape(chars, depth, items)


def value_problems(
    value: Any, field: str, *, one_line: bool = False, one_line_keys: Collection[str] = ()
) -> list[tuple[str, str]]:
    """(field, message) for each string, key or number in a JSON value that cannot be stored or
    written back as standard JSON. `one_line` refuses line breaks and tabs in its strings too, as
    do strings under the keys in `one_line_keys`; object keys always follow the one-line rule.
    At most a few problems per value."""
    problems: list[tuple[str, str]] = []
    for path, problem in _walk(value, field, one_line, frozenset(one_line_keys)):
        problems.append((path, problem))
        if len(problems) >= MAX_PROBLEMS_PER_VALUE:
            break
    return problems


def text_problem(text: str, *, one_line: bool = False) -> str | None:
    """What makes one string unstorable or unsafe, or None."""
    found = (_BAD_IN_NAME if one_line else _BAD_IN_TEXT).search(text)
    if found is None:
        bidi = (_BIDI_IN_NAME if one_line else _BIDI_IN_TEXT).search(text)
        if bidi is not None:
            return (
                f"holds the direction control U+{ord(bidi.group()):04X} at character "
                f"{bidi.start() + 1}; it makes text show in another order than it is stored"
            )
        if one_line and text and measure_text(text)[0] == 0:
            return "shows nothing (only spaces or invisible characters); write a visible name"
        return None
    char, position = found.group(), found.start() + 1
    code = f"U+{ord(char):04X}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return (
            f"holds a lone surrogate {code} at character {position} (from an escape like "
            f"\\u{ord(char):04x}); UTF-8 cannot store it, so write the character itself"
        )
    if char in "\u2028\u2029":
        kind = "line" if char == "\u2028" else "paragraph"
        return f"holds a {kind} separator {code} at character {position}; write it on one line"
    if one_line:
        return f"holds control character {code} at character {position}; none are allowed here"
    return (
        f"holds control character {code} at character {position}; "
        "only tabs and line breaks are allowed in text"
    )


def _walk(
    value: Any, field: str, one_line: bool, one_line_keys: frozenset[str]
) -> Iterator[tuple[str, str]]:
    stack: list[tuple[Any, str, bool]] = [(value, field, one_line)]
    while stack:
        current, path, strict = stack.pop()
        if isinstance(current, str):
            problem = text_problem(current, one_line=strict)
            if problem:
                yield path, problem
        elif isinstance(current, bool) or current is None:
            continue
        elif isinstance(current, int):
            if abs(current) > MAX_SAFE_INTEGER:
                yield path, f"a whole number beyond ±{MAX_SAFE_INTEGER:,} cannot be stored exactly"
        elif isinstance(current, float):
            if not math.isfinite(current):
                yield path, "a number too large for standard JSON (it reads as infinity)"
        elif isinstance(current, dict):
            items = list(current.items())
            for key, item in reversed(items):
                problem = text_problem(str(key), one_line=True)
                if problem:
                    yield _join(path, printable(key)), f"field name {problem}"
                    continue
                stack.append((item, _join(path, key), strict or key in one_line_keys))
        elif isinstance(current, list):
            stack.extend(
                (item, _position(path, i), strict) for i, item in reversed(list(enumerate(current)))
            )
        else:
            yield path, f"expected a JSON value, got {type(current).__name__}"


def _join(path: str, part: object) -> str:
    return f"{path}.{part}" if path else str(part)


def _position(path: str, index: int) -> str:
    """A list item's place as a person counts it: `questions #1` for the first."""
    return f"{path} #{index + 1}" if path else f"#{index + 1}"


def printable(key: str) -> str:
    """A name from a file, safe to print whatever it holds: non-ASCII shown as escapes, cut short."""
    return key.encode("ascii", "backslashreplace").decode("ascii")[:60]
