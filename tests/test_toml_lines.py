"""The TOML line locator against documents generated with their lines known: every header and
key is found at the line it is written on, whatever blank lines, comments, multi-line values and
key spellings come between; and a bad configuration's problems keep their lines as lines are
inserted above them."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_config
from bot.tomllines import TomlLines
from taskbank.errors import ValidationFailed

FILLERS = ["", "   ", "# a comment", "# [schedule]", "  # enabled = 1", "\t# ''' not a string"]
VALUES = [
    "1",
    "-2.5e3",
    "true",
    "1979-05-27 07:32:00Z",
    '"text # not a comment"',
    "'C:\\path'",
    '"escaped \\" quote = 1"',
    '"""\n[not.a.table]\nkey = 1\n"""',
    "'''\nx = '\n[[y]]\n'''",
    '"""ends ""quoted"""""',
    '"""line \\\n   joined"""',
    "[\n  1,  # one\n  2,\n]",
    "[ [1, 2], ['a]'] ]",
    "{ a = 1, b = [1, 2], c = { d = '}' } }",
    "[{ a = 1 }, { b = '}' }]",
    "[\n]",
]
NAMES = st.text("abcdefghij_-", min_size=1, max_size=6)


def spelled(name: str, form: int) -> tuple[str, tuple[str, ...]]:
    """A key in one of TOML's spellings, and the path tomllib reads it as."""
    if form == 0:
        return name, (name,)
    if form == 1:
        return f'"{name}"', (name,)
    if form == 2:
        return f"'{name} x'", (f"{name} x",)
    if form == 3:
        return f'"\\u{ord(name[0]):04X}{name[1:]}"', (name,)
    return f'{name} . "in ner"', (name, "in ner")


@st.composite
def documents(draw):
    """A TOML document and the line of each of its headers and keys, by path."""
    text, expected = [], {}

    def write(chunk: str) -> int:
        line = sum(part.count("\n") for part in text) + 1
        text.append(chunk + "\n")
        return line

    def entries(table: tuple) -> None:
        for name in draw(st.lists(NAMES, unique=True, max_size=4)):
            for _ in range(draw(st.integers(0, 2))):
                write(draw(st.sampled_from(FILLERS)))
            key, path = spelled(name, draw(st.integers(0, 4)))
            value = draw(st.sampled_from(VALUES))
            expected[(*table, *path)] = write(
                f"{key} = {value}{draw(st.sampled_from(['', ' # c']))}"
            )

    entries(())
    for name in draw(st.lists(NAMES, unique=True, max_size=4)):
        write(draw(st.sampled_from(FILLERS)))
        table = (f"t{name}",)
        if draw(st.booleans()):
            for index in range(draw(st.integers(1, 3))):
                line = write(f"[[ t{name} ]]")
                expected.setdefault(table, line)
                expected[(*table, index)] = line
                entries((*table, index))
        else:
            expected[table] = write(f"[t{name}]  # header")
            entries(table)
            expected[(*table, "sub")] = write(f"[t{name}.sub]")
            entries((*table, "sub"))
    return "".join(text), expected


@settings(max_examples=300, deadline=None)
@given(documents())
def test_every_header_and_key_is_found_at_its_line(document):
    text, expected = document
    tomllib.loads(text)  # the generated document is TOML
    lines = TomlLines(text)
    assert {path: lines.line_of(path) for path in expected} == expected


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_scanned_to_its_end(text):
    # Only text tomllib accepts is scanned, but no text may make the scanner fail or loop.
    TomlLines(text).line_of(("a", 0, "b"))


@pytest.mark.parametrize(
    ("text", "path", "line"),
    [
        ("[a.b]\nx = 1\n[a]\ny = 2\n", ("a",), 3),  # a header defines a, [a.b] only implied it
        ("a.b = 1\na.c = 2\n", ("a",), 1),  # the first dotted key that makes the table
        ("[[a]]\n[a.b]\n[[a]]\n[a.b]\nx = 1\n", ("a", 1, "b", "x"), 5),
        ("[[a]]\n[[a.b]]\n[[a]]\n[[a.b]]\n[[a.b]]\n", ("a", 1, "b", 1), 5),
        ("x = [\n  {a = 1},\n  {a = 2},\n]\n", ("x", 1, "a"), 3),
        ("x = 1\n", ("y",), None),
        ("x = 1\n", (), None),
    ],
)
def test_tables_arrays_and_what_is_not_written(text, path, line):
    tomllib.loads(text)
    assert TomlLines(text).line_of(path) == line


BAD = ["[schedule]", "enabled = 1", "[defaults]", "overlap = 'two'", "[sclak]", "port = 1"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FILLERS), max_size=3), min_size=7, max_size=7))
def test_lines_inserted_above_a_problem_move_its_line(tmp_path_factory, fillers):
    lines, at = [], {}
    for position, line in enumerate(BAD):
        lines += fillers[position]
        lines.append(line)
        at[line] = len(lines)
    lines += fillers[-1]
    path = tmp_path_factory.mktemp("config") / "taskbot.toml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationFailed) as refused:
        load_config(path)
    located = {problem.field: problem.location for problem in refused.value.problems}
    assert located == {
        field: f"{path}:{at[line]}"
        for field, line in [
            ("schedule.enabled", "enabled = 1"),
            ("defaults.overlap", "overlap = 'two'"),
            ("sclak", "[sclak]"),
        ]
    }
