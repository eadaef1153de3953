"""Discord's documented limits on messages, embeds, components and modals, checked as
Discord checks them (a 400), and Taskbot's stricter rule that nothing pings anyone.

Written from Discord's reference pages, independently of the adapter's drawing code, so a card
that breaks one fails a test.
"""

from __future__ import annotations

import re
from typing import Any

from tests.discord_fake.payloads import user_object

LIMITS = {
    "content": 2000,
    "embeds": 10,
    "embed_title": 256,
    "embed_description": 4096,
    "embed_fields": 25,
    "field_name": 256,
    "field_value": 1024,
    "footer": 2048,
    "embed_total": 6000,
    "action_rows": 5,
    "buttons_per_row": 5,
    "button_label": 80,
    "custom_id": 100,
    "select_options": 25,
    "option_label": 100,
    "option_value": 100,
    "placeholder": 150,
    "modal_title": 45,
    "modal_components": 5,
    "label_text": 45,
    "label_description": 100,
    "text_input_length": 4000,
    "text_input_placeholder": 100,
    "nonce": 25,
}
ANSWER_WITHIN = 3.0  # seconds Discord waits for an interaction's first answer
NONCE_MEMORY = 180.0  # "a few minutes": how long Discord keeps enforced nonces
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def _long(where: str, text: Any, limit: str) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, str):
        return [f"{where}: expected a string"]
    return (
        [f"{where}: must be {LIMITS[limit]} or fewer in length"]
        if len(text) > LIMITS[limit]
        else []
    )


def embed_problems(embeds: Any) -> list[str]:
    if embeds is None:
        return []
    problems = []
    if len(embeds) > LIMITS["embeds"]:
        problems.append(f"embeds: must be {LIMITS['embeds']} or fewer in length")
    total = 0
    for n, embed in enumerate(embeds):
        where = f"embeds.{n}"
        problems += _long(f"{where}.title", embed.get("title"), "embed_title")
        problems += _long(f"{where}.description", embed.get("description"), "embed_description")
        fields = embed.get("fields") or []
        if len(fields) > LIMITS["embed_fields"]:
            problems.append(f"{where}.fields: must be {LIMITS['embed_fields']} or fewer in length")
        for i, f in enumerate(fields):
            if not f.get("name") or not f.get("value"):
                problems.append(f"{where}.fields.{i}: name and value are required")
            problems += _long(f"{where}.fields.{i}.name", f.get("name"), "field_name")
            problems += _long(f"{where}.fields.{i}.value", f.get("value"), "field_value")
            total += len(f.get("name") or "") + len(f.get("value") or "")
        footer = (embed.get("footer") or {}).get("text")
        problems += _long(f"{where}.footer.text", footer, "footer")
        total += sum(len(embed.get(k) or "") for k in ("title", "description")) + len(footer or "")
    if total > LIMITS["embed_total"]:
        problems.append(f"embeds: total size must be {LIMITS['embed_total']} or fewer ({total})")
    return problems


def _select_problems(where: str, select: dict[str, Any]) -> list[str]:
    problems = _long(f"{where}.placeholder", select.get("placeholder"), "placeholder")
    options = select.get("options") or []
    if not 1 <= len(options) <= LIMITS["select_options"]:
        problems.append(f"{where}.options: must be between 1 and {LIMITS['select_options']}")
    for i, option in enumerate(options):
        problems += _long(f"{where}.options.{i}.label", option.get("label"), "option_label")
        problems += _long(f"{where}.options.{i}.value", option.get("value"), "option_value")
    low, high = select.get("min_values", 1), select.get("max_values", 1)
    if not 0 <= low <= high <= max(len(options), 1):
        problems.append(f"{where}: min_values {low} / max_values {high} out of range")
    return problems


def component_problems(components: Any) -> list[str]:
    """A message's action rows: at most 5, each 5 buttons or one select, unique custom ids."""
    if components is None:
        return []
    problems = []
    if len(components) > LIMITS["action_rows"]:
        problems.append(f"components: must be {LIMITS['action_rows']} or fewer in length")
    seen: set[str] = set()
    for r, row in enumerate(components):
        where = f"components.{r}"
        if row.get("type") != 1:
            problems.append(f"{where}: expected an action row")
            continue
        children = row.get("components") or []
        kinds = {c.get("type") for c in children}
        if not children:
            problems.append(f"{where}.components: must have at least 1 item")
        if kinds == {2} and len(children) > LIMITS["buttons_per_row"]:
            problems.append(f"{where}.components: must be 5 or fewer in length")
        if 3 in kinds and len(children) != 1:
            problems.append(f"{where}: a select menu must be alone in its row")
        for c, child in enumerate(children):
            here = f"{where}.components.{c}"
            custom_id = child.get("custom_id")
            if not custom_id:
                problems.append(f"{here}.custom_id: required")
            else:
                problems += _long(f"{here}.custom_id", custom_id, "custom_id")
                if custom_id in seen:
                    problems.append(f"{here}.custom_id: duplicated")
                seen.add(custom_id)
            if child.get("type") == 2:
                problems += _long(f"{here}.label", child.get("label"), "button_label")
            elif child.get("type") == 3:
                problems += _select_problems(here, child)
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    problems = _long("title", data.get("title"), "modal_title")
    problems += _long("custom_id", data.get("custom_id"), "custom_id")
    components = data.get("components") or []
    if not 1 <= len(components) <= LIMITS["modal_components"]:
        problems.append(f"components: must be between 1 and {LIMITS['modal_components']}")
    for n, label in enumerate(components):
        where = f"components.{n}"
        if label.get("type") != 18:
            problems.append(f"{where}: expected a label")
            continue
        problems += _long(f"{where}.label", label.get("label"), "label_text")
        problems += _long(f"{where}.description", label.get("description"), "label_description")
        inner = label.get("component") or {}
        problems += _long(f"{where}.component.custom_id", inner.get("custom_id"), "custom_id")
        if inner.get("type") == 4:
            for key in ("value",):
                problems += _long(f"{where}.component.{key}", inner.get(key), "text_input_length")
            problems += _long(
                f"{where}.component.placeholder", inner.get("placeholder"), "text_input_placeholder"
            )
            for key in ("min_length", "max_length"):
                if (inner.get(key) or 0) > LIMITS["text_input_length"]:
                    problems.append(f"{where}.component.{key}: must be 4000 or less")
        elif inner.get("type") == 3:
            problems += _select_problems(f"{where}.component", inner)
        else:
            problems.append(f"{where}.component: unsupported type {inner.get('type')}")
    return problems


def message_problems(payload: dict[str, Any]) -> list[str]:
    return [
        *_long("content", payload.get("content"), "content"),
        *embed_problems(payload.get("embeds")),
        *component_problems(payload.get("components")),
    ]


def sent_problems(payload: dict[str, Any]) -> list[str]:
    """What the fake refuses in a message the bot creates or edits: Discord's limits and ours."""
    return message_problems(payload) + mention_problems(payload)


def mention_problems(payload: dict[str, Any]) -> list[str]:
    """Taskbot's rule (not Discord's): a message says it may ping no one, every time."""
    allowed = payload.get("allowed_mentions")
    if not isinstance(allowed, dict):
        return ["allowed_mentions: missing; Taskbot's messages must say they ping no one"]
    problems = []
    if allowed.get("parse") != []:
        problems.append(f"allowed_mentions.parse: {allowed.get('parse')!r}, expected []")
    for key in ("users", "roles"):
        if allowed.get(key):
            problems.append(f"allowed_mentions.{key}: {allowed[key]!r}, expected none")
    if allowed.get("replied_user"):
        problems.append("allowed_mentions.replied_user: expected false")
    return problems


def mentions(payload: dict[str, Any], *, interaction: bool) -> dict[str, Any]:
    """Who a message's content pings, as Discord decides it from `allowed_mentions` (embeds never
    ping; without the field every mention in the content counts, in interactions user ones only)."""
    content = payload.get("content") or ""
    allowed = payload.get("allowed_mentions")
    if isinstance(allowed, dict):
        parse = set(allowed.get("parse") or ())
        users = set(map(str, allowed.get("users") or ()))
        roles = set(map(str, allowed.get("roles") or ()))
    else:
        parse, users, roles = (
            ({"users"} if interaction else {"users", "roles", "everyone"}),
            set(),
            set(),
        )
    found_users = _USER_MENTION.findall(content)
    found_roles = _ROLE_MENTION.findall(content)
    return {
        "mention_everyone": "everyone" in parse and ("@everyone" in content or "@here" in content),
        "mentions": [
            user_object(u, f"user{u[-4:]}") for u in found_users if "users" in parse or u in users
        ],
        "mention_roles": [r for r in found_roles if "roles" in parse or r in roles],
    }
