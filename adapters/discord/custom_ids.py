"""Page suffixes on the custom ids Taskbot sends Discord: `#c<n>` for a card page, `#f<n>` for a
form page, after the neutral action id (see bot.actions), so a click after a restart still knows
which page it came from.
"""

from __future__ import annotations

import re

_PAGE = re.compile(r"#([cf])(\d{1,2})$")


def split_id(custom_id: str) -> tuple[str, int | None, int | None]:
    """A custom id as (neutral id, card page, form page)."""
    found = _PAGE.search(custom_id)
    if found is None:
        return custom_id, None, None
    neutral, page = custom_id[: found.start()], int(found.group(2))
    return (neutral, page, None) if found.group(1) == "c" else (neutral, None, page)


def with_page(action_id: str, kind: str, page: int) -> str:
    """A neutral id with a page suffix (none for the first card page)."""
    return action_id if kind == "c" and page == 0 else f"{action_id}#{kind}{page}"
