"""Property: any task an import accepts draws inside Discord's limits — every card page, every
form page — as judged by the fake Discord's own checks (written from Discord's reference)."""

from __future__ import annotations

import asyncio
import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord import custom_ids, draw
from bot import render
from taskbank.clock import ManualClock
from taskbank.errors import ValidationFailed
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import header, jsonl
from tests.discord_fake import message_problems, modal_problems

# Text with the characters that markdown escaping lengthens, and some beyond ASCII.
snippet = st.text(
    alphabet=st.sampled_from([*"ab *_~`|>#-[]()<@&\\\n", "é", "—", "🎬"]),
    min_size=1,
    max_size=30,
)


@st.composite
def long_text(draw_: Any, most: int) -> str:
    piece = draw_(snippet)
    most = max(1, most)
    size = draw_(st.one_of(st.just(most), st.integers(1, most)))  # the limit itself, often
    text = (piece * (size // len(piece) + 1))[:size]
    return text if text.strip() else "x" + text[1:]


@st.composite
def options(draw_: Any) -> list[str]:
    count = draw_(st.integers(2, 25))
    most = draw_(st.sampled_from([5, 40, 300]))
    return [f"{n} {draw_(long_text(most))}" for n in range(count)]


@st.composite
def question(draw_: Any, number: int) -> dict[str, Any]:
    kind = draw_(st.sampled_from(["label", "labels", "rating", "ranking", "text", "rewrite"]))
    prompt = draw_(long_text(300))
    asked: dict[str, Any] = {"id": f"q{number}", "kind": kind, "prompt": prompt}
    if kind in ("label", "labels"):
        asked["options"] = draw_(options())
    elif kind == "rating":
        low = draw_(st.integers(-3, 3))
        asked.update(scale_min=low, scale_max=low + draw_(st.integers(1, 10)))
    elif kind == "ranking":
        asked["options_from"] = "items"
    elif kind in ("text", "rewrite"):
        asked["max_chars"] = draw_(st.sampled_from([50, 4000, 4001, 20000]))
        if kind == "rewrite":
            asked["original_from"] = "part0"
    return asked


@st.composite
def batches(draw_: Any) -> bytes:
    questions = [draw_(question(n)) for n in range(draw_(st.integers(1, 10)))]
    items = draw_(options())
    field_count = draw_(st.integers(1, 19))
    fields: dict[str, str] = {f"part{n}": "text" for n in range(field_count)}
    share = (19_900 - sum(len(item) for item in items)) // field_count
    payload: dict[str, Any] = {name: draw_(long_text(share)) for name in fields}
    fields["items"] = "text list"
    payload["items"] = items
    settings_ = header(
        template="custom",
        payload_fields=fields,
        questions=questions,
        title=draw_(long_text(150)),
        project={"name": draw_(long_text(80)).strip() or "p"},
    )
    return jsonl(settings_, [{"id": "t", "payload": payload}])


def _drawn_problems(drawn: draw.Drawn) -> list[str]:
    payload = {
        "embeds": [embed.to_dict() for embed in drawn.embeds],
        "components": drawn.view.to_components() if drawn.view is not None else [],
    }
    return message_problems(payload)


async def _check(data: bytes, answer_seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "d.db")
        await store.open()
        try:
            bank = TaskBank(store, clock=ManualClock())
            try:
                await bank.import_batch(data, filename="p.jsonl")
            except ValidationFailed:
                return  # refused at import: nothing to draw
            claimed = await bank.claim("discord:1")
            # A draft with some answers chosen, so captions carry (long) answers too.
            pick = random.Random(answer_seed)
            draft: dict[str, Any] = {}
            for asked in claimed.batch.questions:
                if asked.kind in ("label", "labels", "ranking"):
                    choices = asked.resolve_options(claimed.task.payload)  # type: ignore[attr-defined]
                    draft[asked.id] = (
                        pick.choice(choices) if asked.kind == "label" else list(choices)
                    )
                elif asked.kind in ("text", "rewrite"):
                    draft[asked.id] = "w" * pick.randint(1, 20000)
            errors = {asked.id: "e" * 300 for asked in claimed.batch.questions}
            for card in (
                render.task_card(claimed, {}, "UTC", "USD"),
                render.task_card(claimed, draft, "UTC", "USD", errors),
            ):
                for page in range(len(draw.card_pages(card))):
                    assert _drawn_problems(draw.message(card, page)) == [], page
            form = render.answer_form(claimed, draft, render.form_errors_for(claimed, errors))
            for page in range(len(draw.form_pages(form))):
                if form.inputs:
                    assert modal_problems(draw.modal(form, page).to_dict()) == [], page
        finally:
            await store.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.integers(0, 1000))
def test_any_task_an_import_accepts_draws_inside_discords_limits(data, answer_seed):
    asyncio.run(_check(data, answer_seed))


def test_a_page_rides_in_the_custom_id():
    assert custom_ids.split_id("ans:4:tone:2#c1") == ("ans:4:tone:2", 1, None)
    assert custom_ids.split_id("form:4#f2") == ("form:4", None, 2)
    assert custom_ids.split_id("submit:4") == ("submit:4", None, None)
    assert custom_ids.with_page("show:4", "c", 0) == "show:4"
