"""Short original screenplays written for Taskbot, each in Fountain, Final Draft and PDF.

The .fdx and .pdf files are made from the .fountain ones by `regenerate()` (the PDF needs fpdf2, a
development dependency: `python -c "import taskbank.sample_scripts as s; s.regenerate()"`); the
tests check that all three give the same units.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskbank.models import Batch
    from taskbank.service import TaskBank

SCRIPT_NAMES = ("night_shift", "low_tide")
# What the demo imports: one batch per unit kind, on the templates that fit them.
SAMPLE_SCRIPT_BATCHES: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "night_shift.fountain",
        "scene",
        "dialogue_tone",
        {"name": "night-shift-scenes", "pay_cents": 45},
    ),
    (
        "low_tide.fdx",
        "character-scene",
        "character_motivation",
        {"name": "low-tide-characters", "pay_cents": 60},
    ),
    ("night_shift.pdf", "page", "plot_beat", {"name": "night-shift-pages", "pay_cents": 35}),
    (
        "low_tide.fountain",
        "exchange",
        "emotional_arc",
        {"name": "low-tide-exchanges", "pay_cents": 40},
    ),
]
SAMPLE_PROJECT = {
    "name": "Sample scripts",
    "guidelines": "Short original screenplays written for the Taskbot demo.",
    # With terms, like the sample bank's project: a writer meets the terms step first, and the
    # bank's older batches come before these.
    "terms": "Sample scripts: demo work on screenplays written for Taskbot; nothing is paid.",
}


def script_file(filename: str) -> Traversable:
    """A bundled sample script by file name (e.g. 'low_tide.fdx')."""
    return resources.files("taskbank.sample_scripts") / filename


async def sample_script_batches(bank: TaskBank) -> list[Batch]:
    """Import the sample scripts as batches (one per unit kind) not yet in the bank; returns the
    batches imported now. The demo calls this beside the sample bank."""
    existing = {batch.name for batch in await bank.list_batches()}
    imported = []
    for filename, unit, template, settings in SAMPLE_SCRIPT_BATCHES:
        if settings["name"] in existing:
            continue
        data = script_file(filename).read_bytes()
        result = await bank.import_script(
            [(filename, data)],
            settings={"project": SAMPLE_PROJECT, "template": template, **settings},
            unit=unit,
        )
        assert result.batch is not None
        imported.append(result.batch)
    return imported


def regenerate(folder: Path | None = None) -> None:
    """Write each sample's .fdx and .pdf from its .fountain (run after editing a sample)."""
    from taskbank.screenplay.fountain import parse_fountain
    from taskbank.screenplay.writers import to_fdx, to_pdf

    target = folder or Path(__file__).parent
    for name in SCRIPT_NAMES:
        text = script_file(f"{name}.fountain").read_text(encoding="utf-8")
        script = parse_fountain(text, f"{name}.fountain")
        (target / f"{name}.fdx").write_text(
            to_fdx(script.elements, script.title, script.page_breaks), encoding="utf-8"
        )
        (target / f"{name}.pdf").write_bytes(
            to_pdf(script.elements, script.title, script.page_breaks)
        )
