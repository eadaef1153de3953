"""Property tests of the batch parser: whatever it is fed, it returns a clean batch or refuses
with located problems, and what it accepts can be stored and written back as standard JSON."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from taskbank.batchfile import ParsedBatch, parse_batch_file
from taskbank.errors import ValidationFailed
from tests.batches import header

CSV_SETTINGS = header(name="csv")
# What the parser may never let through: lone surrogates, and control characters other than
# tab and line breaks in text; in ids none at all.
FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
FORBIDDEN_IN_ID = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Characters that have broken imports before, mixed into ordinary text.
TRICKY = ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x85", "\u2028", "\u2029", "\ud800", "\udfff"]
TRICKY += ["\n", "\r", "\t", '"', ",", "|", "[", "\\", "\ufeff", "²", "-"]
any_text = st.text(
    st.one_of(st.characters(exclude_categories=()), st.sampled_from(TRICKY)), max_size=30
)
# Text an import should accept: letters, marks, emoji, tabs and every kind of line break.
fair_text = (
    st.lists(
        st.one_of(
            st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), max_size=8),
            st.sampled_from(["\n", "\r\n", "\t", "\x85", "\u2028", "\u2029", '"', ","]),
        ),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    # the importer refuses text with nothing to read (marks or symbols alone read as empty)
    .filter(lambda text: any(unicodedata.category(c)[0] in "LN" for c in text))
)
some_text = st.one_of(fair_text, fair_text, any_text)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=2**53 - 3, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -0.0, 10**30]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, some_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(any_text, inner, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def deeply_nested(draw: st.DrawFn) -> Any:
    """A list or object nested hundreds or thousands deep (as text, spliced into a line)."""
    depth = draw(st.integers(min_value=50, max_value=3_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    middle = draw(st.sampled_from(["1", '"x"', "", "NaN"]))
    return opener * depth + middle + closer * draw(st.integers(0, depth))


def outcome_is_allowed(data: bytes, filename: str, **options: Any) -> ParsedBatch | None:
    """Parse; only a ParsedBatch or ValidationFailed with located problems may come out."""
    try:
        parsed = parse_batch_file(data, filename, **options)
    except ValidationFailed as failure:
        event(f"refused: {failure.problems[0].field.split('.')[0]}")
        assert failure.problems
        for problem in failure.problems:
            assert problem.location and problem.field, problem
            str(problem).encode("utf-8")  # every message can be printed and sent
        return None
    event("accepted")
    return parsed


def assert_storable(parsed: ParsedBatch) -> None:
    """Every string in every task is clean, and every payload is standard JSON."""
    for task in parsed.tasks:
        assert not FORBIDDEN_IN_ID.search(task.external_id)
        for value in (task.payload, task.gold):
            dumped = json.dumps(value, allow_nan=False, ensure_ascii=False)
            dumped.encode("utf-8")
            for text in strings_in(value):
                assert not FORBIDDEN_IN_TEXT.search(text), text


def strings_in(value: Any) -> list[str]:
    found, stack = [], [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            found.append(current)
        elif isinstance(current, dict):
            found.extend(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def to_line(value: Any, ensure_ascii: bool) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii)  # NaN and Infinity written as Python does


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # raw surrogates make invalid UTF-8: also fair


utf8_text = st.text(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(TRICKY[:8] + TRICKY[10:]))
)
file_bytes = st.one_of(st.binary(max_size=400), utf8_text.map(str.encode))


@PROPERTY_SETTINGS
@given(data=file_bytes, filename=st.sampled_from(["b.jsonl", "b.csv", "b.txt"]))
def test_arbitrary_bytes_end_in_a_batch_or_located_problems(data, filename):
    options = {"settings": CSV_SETTINGS} if filename.endswith(".csv") else {}
    parsed = outcome_is_allowed(data, filename, **options)
    if parsed is not None:
        assert_storable(parsed)


@PROPERTY_SETTINGS
@given(data=file_bytes)
def test_arbitrary_bytes_after_a_good_header_end_in_a_batch_or_located_problems(data):
    parsed = outcome_is_allowed(json.dumps({"batch": header()}).encode() + b"\n" + data, "b.jsonl")
    if parsed is not None:
        assert_storable(parsed)


task_ids = st.one_of(st.none(), st.none(), any_text, st.integers(), st.booleans(), json_values)
payloads = st.one_of(
    st.fixed_dictionaries({"excerpt": some_text}, optional={"extra": json_values}),
    st.fixed_dictionaries({"excerpt": fair_text}),
    st.dictionaries(any_text, json_values, max_size=4),
    json_values,
)
golds = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {}, optional={"tone": json_values, "genre": json_values, "pacing": json_values}
    ),
    st.fixed_dictionaries(
        {"tone": st.sampled_from(["tense", "warm"]), "pacing": st.integers(0, 6)}
    ),
    json_values,
)
tasks = st.one_of(
    st.fixed_dictionaries({"id": task_ids, "payload": payloads}, optional={"gold": golds}),
    st.fixed_dictionaries({"id": task_ids, "payload": payloads}, optional={"gold": golds}),
    json_values,
)


def numbered(task: Any, number: int) -> Any:
    """A task with a unique id where it drew none (so duplicates do not refuse every file)."""
    if isinstance(task, dict) and task.get("id") is None:
        return {**task, "id": f"t-{number}"}
    return task


header_values = st.one_of(
    st.just(header()),
    st.just(header()),
    st.just(header()),
    st.builds(
        lambda extra: {**header(), **extra},
        st.dictionaries(
            st.sampled_from(
                ["name", "project", "pay_cents", "review_rate", "priority", "deadline", "title"]
            ),
            json_values,
            max_size=3,
        ),
    ),
    json_values,
)


@PROPERTY_SETTINGS
@given(
    batch=header_values,
    task_list=st.lists(st.one_of(tasks, tasks, tasks, tasks, tasks, deeply_nested()), max_size=4),
    ensure_ascii=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_arbitrary_json_lines_end_in_a_batch_or_located_problems(
    batch, task_list, ensure_ascii, newline
):
    lines = [to_line({"batch": batch}, ensure_ascii)]
    lines += [
        task if isinstance(task, str) else to_line(numbered(task, number), ensure_ascii)
        for number, task in enumerate(task_list)
    ]
    parsed = outcome_is_allowed(encode(newline.join(lines) + newline), "b.jsonl")
    if parsed is not None:
        assert_storable(parsed)


cells = st.one_of(
    fair_text, fair_text, any_text, st.builds(json.dumps, json_values), deeply_nested()
)


@PROPERTY_SETTINGS
@given(
    columns=st.lists(
        st.one_of(st.sampled_from(["excerpt", "gold.tone", "gold.pacing", "note"]), any_text),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    rows=st.lists(st.lists(cells, min_size=4, max_size=4), max_size=4),
    well_formed=st.booleans(),
)
def test_arbitrary_csv_ends_in_a_batch_or_located_problems(columns, rows, well_formed):
    header_row = ["id", "excerpt", *[c for c in columns if c != "excerpt"]][:4]
    rows = [[f"t-{number}", *row[: len(header_row) - 1]] for number, row in enumerate(rows)]
    if well_formed:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header_row)
        writer.writerows(rows)
        text = buffer.getvalue()
    else:  # joined by hand: stray and unbalanced quotes welcome
        text = "\n".join(",".join(row) for row in [header_row, *rows]) + "\n"
    parsed = outcome_is_allowed(encode(text), "b.csv", settings=CSV_SETTINGS)
    if parsed is not None:
        assert_storable(parsed)


@PROPERTY_SETTINGS
@given(settings_value=header_values, payload_text=some_text)
def test_arbitrary_csv_settings_end_in_a_batch_or_located_problems(settings_value, payload_text):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["id", "excerpt"], ["a", payload_text]])
    parsed = outcome_is_allowed(encode(buffer.getvalue()), "b.csv", settings=settings_value)
    if parsed is not None:
        assert_storable(parsed)


@PROPERTY_SETTINGS
@given(excerpts=st.lists(fair_text, min_size=1, max_size=5), crlf=st.booleans())
def test_fair_text_with_any_line_break_imports_exactly_from_jsonl_and_csv(excerpts, crlf):
    """Text with U+2028, U+2029, U+0085, tabs and line breaks is valid: it imports unchanged."""
    newline = "\r\n" if crlf else "\n"
    lines = [json.dumps({"batch": header()}, ensure_ascii=False)] + [
        json.dumps({"id": f"t-{i}", "payload": {"excerpt": text}}, ensure_ascii=False)
        for i, text in enumerate(excerpts)
    ]
    from_jsonl = parse_batch_file((newline.join(lines) + newline).encode(), "b.jsonl")
    assert [task.payload["excerpt"] for task in from_jsonl.tasks] == excerpts
    buffer = io.StringIO()
    # quoted, since the csv writer leaves a lone \r unquoted and every reader takes it as a line end
    csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_ALL).writerows(
        [["id", "excerpt"], *([f"t-{i}", text] for i, text in enumerate(excerpts))]
    )
    from_csv = parse_batch_file(buffer.getvalue().encode(), "b.csv", settings=CSV_SETTINGS)
    assert [task.payload["excerpt"] for task in from_csv.tasks] == excerpts
    assert_storable(from_jsonl)
    assert_storable(from_csv)
