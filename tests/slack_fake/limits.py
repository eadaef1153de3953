"""Slack's Block Kit limits, checked as Slack checks them: the fake answers `invalid_blocks`.

Written from Slack's reference pages (block and element limits), independently of the
adapter's own layout code, so a card that breaks a limit fails a test.
"""

from __future__ import annotations

from typing import Any

# Slack's documented limits.
LIMITS = {
    "message_blocks": 50,
    "modal_blocks": 100,
    "section_text": 3000,
    "section_fields": 10,
    "field_text": 2000,
    "header_text": 150,
    "context_elements": 10,
    "actions_elements": 25,
    "button_text": 75,
    "button_value": 2000,
    "action_id": 255,
    "block_id": 255,
    "placeholder": 150,
    "options": 100,
    "option_text": 75,
    "option_value": 150,
    "input_label": 2000,
    "input_hint": 2000,
    "text_input_length": 3000,
    "view_title": 24,
    "view_button": 24,
    "private_metadata": 3000,
    "callback_id": 255,
}


def _text_problems(where: str, obj: Any, limit: int, kinds: tuple[str, ...]) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return [f"{where}: expected a text object of type {' or '.join(kinds)}"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"{where}: text must be a non-empty string"]
    # Slack's text object: `emoji` only on plain_text, `verbatim` only on mrkdwn, both booleans.
    allowed = {"type", "text", "emoji" if obj["type"] == "plain_text" else "verbatim"}
    unknown = sorted(set(obj) - allowed)
    if unknown:
        return [f"{where}: {', '.join(unknown)} not allowed in a {obj['type']} text object"]
    if any(not isinstance(obj[key], bool) for key in ("emoji", "verbatim") if key in obj):
        return [f"{where}: emoji and verbatim must be booleans"]
    if len(text) > limit:
        return [f"{where}: must be less than {limit + 1} characters"]
    return []


def _option_problems(where: str, options: Any) -> list[str]:
    if not isinstance(options, list) or not 1 <= len(options) <= LIMITS["options"]:
        return [f"{where}.options: expected 1 to {LIMITS['options']} options"]
    problems = []
    for i, opt in enumerate(options):
        problems += _text_problems(
            f"{where}.options[{i}].text", opt.get("text"), LIMITS["option_text"], ("plain_text",)
        )
        value = opt.get("value")
        if not isinstance(value, str) or not 1 <= len(value) <= LIMITS["option_value"]:
            problems.append(f"{where}.options[{i}].value: 1 to 150 characters")
    return problems


def _element_problems(where: str, element: dict[str, Any], surface: str) -> list[str]:
    kind = element.get("type")
    problems = []
    action_id = element.get("action_id", "")
    if len(action_id) > LIMITS["action_id"]:
        problems.append(f"{where}.action_id: must be less than 256 characters")
    if kind == "button":
        problems += _text_problems(
            f"{where}.text", element.get("text"), LIMITS["button_text"], ("plain_text",)
        )
        if len(element.get("value", "")) > LIMITS["button_value"]:
            problems.append(f"{where}.value: must be less than 2001 characters")
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(f"{where}.style: must be primary or danger")
    elif kind in ("static_select", "multi_static_select"):
        problems += _text_problems(
            f"{where}.placeholder",
            element.get("placeholder"),
            LIMITS["placeholder"],
            ("plain_text",),
        )
        options = element.get("options")
        problems += _option_problems(where, options)
        values = [o.get("value") for o in options or []]
        initial = element.get("initial_options") or (
            [element["initial_option"]] if "initial_option" in element else []
        )
        if any(o not in (options or []) for o in initial):
            problems.append(f"{where}: initial options must be among the options")
        if len(set(values)) != len(values):
            problems.append(f"{where}: option values must be unique")
    elif kind == "plain_text_input":
        if surface != "modal":
            problems.append(f"{where}: plain_text_input belongs in a modal")
        for key in ("max_length", "min_length"):
            if key in element and not 0 <= element[key] <= LIMITS["text_input_length"]:
                problems.append(f"{where}.{key}: must be at most 3000")
        initial = element.get("initial_value")
        if initial is not None and len(initial) > element.get("max_length", 3000):
            problems.append(f"{where}.initial_value: longer than max_length")
    else:
        problems.append(f"{where}: unsupported element type {kind!r}")
    return problems


def block_problems(blocks: Any, surface: str) -> list[str]:
    """Every way `blocks` breaks Block Kit's documented limits (empty when valid)."""
    limit = LIMITS["message_blocks" if surface == "message" else "modal_blocks"]
    if not isinstance(blocks, list) or len(blocks) > limit:
        return [f"blocks: must be a list of at most {limit} blocks"]
    problems: list[str] = []
    block_ids: set[str] = set()
    for n, block in enumerate(blocks):
        where = f"blocks[{n}]"
        kind = block.get("type")
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > LIMITS["block_id"] or block_id in block_ids:
                problems.append(f"{where}.block_id: must be unique and under 256 characters")
            block_ids.add(block_id)
        if kind == "header":
            problems += _text_problems(
                f"{where}.text", block.get("text"), LIMITS["header_text"], ("plain_text",)
            )
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: a section needs text or fields")
            if "text" in block:
                problems += _text_problems(
                    f"{where}.text", block["text"], LIMITS["section_text"], ("mrkdwn", "plain_text")
                )
            fields = block.get("fields", [])
            if len(fields) > LIMITS["section_fields"]:
                problems.append(f"{where}.fields: at most 10 items")
            for i, item in enumerate(fields):
                problems += _text_problems(
                    f"{where}.fields[{i}]", item, LIMITS["field_text"], ("mrkdwn", "plain_text")
                )
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= LIMITS["context_elements"]:
                problems.append(f"{where}.elements: 1 to 10 elements")
            for i, item in enumerate(elements):
                problems += _text_problems(
                    f"{where}.elements[{i}]", item, 3000, ("mrkdwn", "plain_text")
                )
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= LIMITS["actions_elements"]:
                problems.append(f"{where}.elements: 1 to 25 elements")
            ids = [e.get("action_id") for e in elements]
            if len(set(ids)) != len(ids):
                problems.append(f"{where}: action_ids must be unique within a block")
            for i, element in enumerate(elements):
                problems += _element_problems(f"{where}.elements[{i}]", element, surface)
        elif kind == "input":
            if surface != "modal":
                problems.append(f"{where}: input blocks belong in modals")
            problems += _text_problems(
                f"{where}.label", block.get("label"), LIMITS["input_label"], ("plain_text",)
            )
            if "hint" in block:
                problems += _text_problems(
                    f"{where}.hint", block["hint"], LIMITS["input_hint"], ("plain_text",)
                )
            problems += _element_problems(f"{where}.element", block.get("element", {}), surface)
        elif kind != "divider":
            problems.append(f"{where}: unsupported block type {kind!r}")
    return problems


def view_problems(view: Any) -> list[str]:
    """Every way a modal view breaks Slack's limits."""
    if not isinstance(view, dict) or view.get("type") != "modal":
        return ["view: expected a modal"]
    problems = block_problems(view.get("blocks"), "modal")
    if not view.get("blocks"):
        problems.append("view.blocks: a modal needs 1 to 100 blocks")
    problems += _text_problems(
        "view.title", view.get("title"), LIMITS["view_title"], ("plain_text",)
    )
    for key in ("submit", "close"):
        if key in view:
            problems += _text_problems(
                f"view.{key}", view[key], LIMITS["view_button"], ("plain_text",)
            )
    if len(view.get("private_metadata", "")) > LIMITS["private_metadata"]:
        problems.append("view.private_metadata: must be at most 3000 characters")
    if len(view.get("callback_id", "")) > LIMITS["callback_id"]:
        problems.append("view.callback_id: must be at most 255 characters")
    return problems
