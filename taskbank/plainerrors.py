"""pydantic's validation errors in words a coordinator understands: field paths counted from 1
with no internal tags, unknown keys named with a "did you mean", and patterns explained rather
than quoted. Used for batch settings and for the configuration file alike."""

from __future__ import annotations

import difflib
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from taskbank.errors import Problem

# What a value matching each field's pattern looks like (the pattern itself helps nobody).
PATTERN_HINTS = {
    "id": "expected a short id of lowercase letters, digits and _, starting with a letter (like tone_label)",
    "currency": "expected a three-letter currency code like USD or EUR",
    "writers": "expected '*', 'platform:user_id' or 'platform:role:role_id' (like console:wendy)",
    "reviewers": "expected '*', 'platform:user_id' or 'platform:role:role_id' (like console:rita)",
    "coordinators": "expected '*', 'platform:user_id' or 'platform:role:role_id' (like console:cora)",
    "review_channel": "expected a channel id (Slack: C0123ABCD; Discord: a long number)",
    "coordinator_channel": "expected a channel id (Slack: C0123ABCD; Discord: a long number)",
    "guild_id": "expected the server's id, a long number",
    "user": "expected a name of letters, digits, '.', '_' or '-' (at most 40)",
    "path": "expected a URL path like /slack/events",
    "api_url": "expected an http(s):// address",
    "gateway_url": "expected a ws(s):// address",
    "commands": "expected a slash command like /task",
    "import_shortcut": "expected lowercase letters, digits and _",
}
WHOLE_NUMBERS = " (money and counts are whole numbers: cents, not dollars)"
DATE_EXAMPLE = "like 2026-12-01T17:00:00Z"


def pydantic_problems(
    error: ValidationError,
    location: str,
    prefix: str = "",
    model: type[BaseModel] | None = None,
    line_of: Callable[[Sequence[Any]], int | None] | None = None,
) -> list[Problem]:
    """Each of pydantic's errors as a located problem in plain words (`model`, when given,
    names the keys an unknown one could have meant; `line_of`, when given, the line a field's
    path is written at, so the location reads `file:line` as a batch file's do, and the problems
    come in the file's order, any without a line last)."""
    placed: list[tuple[float, Problem]] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        line = line_of(_visible_parts(loc, model)) if line_of is not None else None
        where = f"{location}:{line}" if line is not None else location
        problem = Problem(_field(prefix, loc, model), _message(item, loc, model), where)
        placed.append((line if line is not None else float("inf"), problem))
    if line_of is not None:
        placed.sort(key=lambda entry: entry[0])  # stable: one line's problems keep their order
    return [problem for _, problem in placed]


def _field(prefix: str, loc: Sequence[Any], model: type[BaseModel] | None) -> str:
    """A dotted path with list positions counted from 1 (`questions #2.options`), without
    the kind tags pydantic inserts for unions."""
    text = prefix
    for part in _visible_parts(loc, model):
        if isinstance(part, int):
            text += f" #{part + 1}"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text or "settings"


def _visible_parts(loc: Sequence[Any], model: type[BaseModel] | None) -> list[Any]:
    parts: list[Any] = []
    current: Any = model
    for part in loc:
        if part in ("function-after", "function-before"):
            continue
        members = _union_members(current)
        if members is not None and isinstance(part, str) and part in members:
            current = members[part]  # a kind tag: the question's own model, not shown
            continue
        parts.append(part)
        current = _step(current, part)
    return parts


def _message(item: Mapping[str, Any], loc: Sequence[Any], model: type[BaseModel] | None) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_key(str(loc[-1]), _known_keys(model, loc[:-1]))
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch":
        # The innermost key with a hint: a table's entries (`slack.commands.task`) take the
        # table's (`commands`).
        hints = [
            PATTERN_HINTS[p] for p in reversed(loc) if isinstance(p, str) and p in PATTERN_HINTS
        ]
        return hints[0] if hints else "is not in the expected form"
    if kind == "union_tag_invalid":
        expected = [tag.strip(" '") for tag in str(ctx.get("expected_tags", "")).split(",")]
        guess = difflib.get_close_matches(str(ctx.get("tag")), expected, n=1)
        hint = f" — did you mean '{guess[0]}'?" if guess else ""
        return f"unknown kind '{ctx.get('tag')}'{hint}; expected one of {', '.join(expected)}"
    if kind == "union_tag_not_found":
        return "needs a 'kind' (label, labels, rating, ranking, text or rewrite)"
    plain = _PLAIN.get(kind)
    if plain is not None:
        return plain.format(**ctx)
    return str(item["msg"]).removeprefix("Value error, ")


_PLAIN = {
    "int_type": "expected a whole number" + WHOLE_NUMBERS,
    "int_from_float": "expected a whole number" + WHOLE_NUMBERS,
    "int_parsing": "expected a whole number" + WHOLE_NUMBERS,
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number, not nan or inf",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected an object (a table of settings)",
    "model_type": "expected an object (a table of settings)",
    "model_attributes_type": "expected an object (a table of settings)",
    "literal_error": "expected {expected}",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long: at most {max_length} characters",
    "too_short": "needs at least {min_length} item(s)",
    "too_long": "has too many items: at most {max_length}",
    "timezone_aware": f"needs a time zone, {DATE_EXAMPLE} or with +01:00",
    "datetime_parsing": f"expected a date and time {DATE_EXAMPLE}",
    "datetime_from_date_parsing": f"expected a date and time {DATE_EXAMPLE}",
    "datetime_type": f"expected a date and time {DATE_EXAMPLE}",
}


def _unknown_key(name: str, known: list[str]) -> str:
    guess = difflib.get_close_matches(name, known, n=1)
    if guess:
        return f"unknown setting `{name}` — did you mean `{guess[0]}`?"
    if known:
        return f"unknown setting `{name}`; expected one of {', '.join(known)}"
    return f"unknown setting `{name}`"


def _known_keys(model: type[BaseModel] | None, loc: Sequence[Any]) -> list[str]:
    current: Any = model
    for part in loc:
        members = _union_members(current)
        if members is not None and isinstance(part, str) and part in members:
            current = members[part]
            continue
        current = _step(current, part)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step(current: Any, part: Any) -> Any:
    """The type one step down a location: a model's field, or a list's item."""
    if isinstance(part, int):
        args = get_args(current)
        return _unwrap(args[0]) if get_origin(current) is list and args else current
    if isinstance(current, type) and issubclass(current, BaseModel):
        field = current.model_fields.get(part)
        return _unwrap(field.annotation) if field is not None else None
    return None


def _unwrap(annotation: Any) -> Any:
    """A field's type without Optional and Annotated wrappers."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _unwrap(members[0]) if len(members) == 1 else annotation
    if origin is not None and hasattr(annotation, "__metadata__"):
        return _unwrap(get_args(annotation)[0])
    return annotation


def _union_members(current: Any) -> dict[str, type[BaseModel]] | None:
    """A tagged union's models by their `kind` tag (the question kinds), else None."""
    if get_origin(current) not in (Union, types.UnionType):
        return None
    members = {}
    for arg in get_args(current):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and "kind" in arg.model_fields:
            members[str(arg.model_fields["kind"].default)] = arg
    return members or None


def settings_problems(
    error: ValidationError,
    raw: Mapping[str, Any],
    location: str,
    prefix: str,
    model: type[BaseModel],
) -> list[Problem]:
    """Batch settings' problems, all in one round: pydantic's, plus what the checks across
    questions find (repeated ids, dangling references), which pydantic skips while any field
    is wrong."""
    from taskbank.questions import QUESTION_LIST, check_question_set

    problems = pydantic_problems(error, location, prefix, model)
    raw_questions = raw.get("questions")
    checked_across = any(not item["loc"] for item in error.errors())  # the model's own check ran
    if checked_across or not isinstance(raw_questions, list) or not raw_questions:
        return problems
    valid, broken_ids = [], set()
    for item in raw_questions:
        try:
            valid.extend(QUESTION_LIST.validate_python([item]))
        except ValidationError:
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                broken_ids.add(item["id"])
    if not valid:
        return problems
    try:
        check_question_set(valid)
    except ValueError as across:
        field = f"{prefix}.questions" if prefix else "questions"
        known = {p.message for p in problems}
        for message in str(across).split("; "):
            dangling = any(f"unknown question '{bad}'" in message for bad in broken_ids)
            if not dangling and message not in known:
                problems.append(Problem(field, message, location))
    return problems
