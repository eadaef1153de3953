"""The bundled sample scripts import as one batch per unit kind, once."""

from __future__ import annotations

from pathlib import Path

from taskbank.sample_scripts import SCRIPT_NAMES, regenerate, sample_script_batches, script_file


async def test_the_sample_scripts_import_once_as_four_batches(bank):
    batches = await sample_script_batches(bank)
    assert [b.name for b in batches] == [
        "night-shift-scenes",
        "low-tide-characters",
        "night-shift-pages",
        "low-tide-exchanges",
    ]
    assert [(await bank.batch_progress(b.id)).tasks for b in batches] == [4, 7, 3, 3]
    assert await sample_script_batches(bank) == []


def test_the_committed_fdx_and_pdf_are_what_the_fountain_makes(tmp_path: Path):
    regenerate(tmp_path)
    for name in SCRIPT_NAMES:
        fdx = f"{name}.fdx"
        assert (tmp_path / fdx).read_bytes() == script_file(fdx).read_bytes()
        assert (tmp_path / f"{name}.pdf").stat().st_size > 0
