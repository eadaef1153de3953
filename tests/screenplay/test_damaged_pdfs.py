"""A damaged PDF is refused as unreadable, saying so; it never crashes the import, and it never
imports with words missing."""

from __future__ import annotations

import random
import re

import pytest
from typer.testing import CliRunner

from bot.cli import app
from taskbank.errors import ValidationFailed
from taskbank.screenplay import plan_script_batch
from tests.screenplay.scripts import sample

SETTINGS = {"project": "Damage", "name": "d", "template": "dialogue_tone", "pay_cents": 40}
_, NIGHT_SHIFT = sample("night_shift", "pdf")
MEDIA_BOX = re.compile(rb"/MediaBox \[[^\]]*\]")


def with_media_box(box: bytes) -> bytes:
    """The sample with its first page's /MediaBox replaced."""
    return MEDIA_BOX.sub(b"/MediaBox " + box, NIGHT_SHIFT, count=1)


def mutated(seed: int) -> bytes:
    """The sample with a few random bytes changed, cut out or put in (seeded, so reproducible)."""
    rng = random.Random(seed)
    data = bytearray(NIGHT_SHIFT)
    for _ in range(rng.randint(1, 20)):
        position = rng.randrange(len(data))
        choice = rng.random()
        if choice < 0.5:
            data[position] = rng.randrange(256)
        elif choice < 0.75:
            del data[position : position + rng.randint(1, 50)]
        else:
            token = rng.choice([b"(", b")", b"[", b"<<", b">>", b"/", b"R", b"0", b"-1", b"9999"])
            data[position:position] = token
    return bytes(data)


def content_stream_flipped(stream: int, fraction: float) -> bytes:
    """The sample with one byte of a page's compressed text flipped, `fraction` into it."""
    starts = [
        m.end() for m in re.finditer(rb"/FlateDecode\n/Length \d+\n>>\nstream\n", NIGHT_SHIFT)
    ]
    start = starts[stream]
    end = NIGHT_SHIFT.index(b"endstream", start)
    data = bytearray(NIGHT_SHIFT)
    data[start + int((end - start) * fraction)] ^= 0x55
    return bytes(data)


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationFailed) as caught:
        plan_script_batch([("damaged.pdf", data)], SETTINGS, "exchange")
    return str(caught.value)


@pytest.mark.parametrize("box", [b"null", b"[0 0 612 /x 0 792]", b"[0 0]", b"<< /a 1 >>"])
def test_a_page_with_a_broken_media_box_is_not_a_readable_pdf(box):
    assert "damaged.pdf: file: is not a readable PDF file (" in refusal(with_media_box(box))


def test_randomly_damaged_pdfs_import_cleanly_or_are_refused_never_crash():
    outcomes = {"imported": 0, "refused": 0}
    for seed in range(300):
        try:
            plan_script_batch([("damaged.pdf", mutated(seed))], SETTINGS, "exchange")
        except ValidationFailed:
            outcomes["refused"] += 1
        else:
            outcomes["imported"] += 1
    assert outcomes["imported"] and outcomes["refused"]  # the seeds reach both


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.61, 0.99])
def test_a_corrupted_text_stream_is_refused_as_damaged_not_imported_short(fraction):
    message = refusal(content_stream_flipped(1, fraction))
    assert "damaged.pdf: file: is damaged" in message


def test_the_cli_refuses_a_broken_pdf_with_exit_2_and_no_traceback(tmp_path):
    config = tmp_path / "taskbot.toml"
    config.write_text(f'[database]\nurl = "{tmp_path / "cli.db"}"\n')
    script = tmp_path / "broken.pdf"
    script.write_bytes(with_media_box(b"null"))
    result = CliRunner().invoke(
        app,
        [
            *("batch", "from-script", str(script), "--unit", "scene"),
            *("--template", "dialogue_tone", "--pay-cents", "40", "--config", str(config)),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "broken.pdf: file: is not a readable PDF file" in result.output
