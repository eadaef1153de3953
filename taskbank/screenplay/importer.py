"""From screenplay files to a checked batch: parse each file, cut it into units, build the tasks,
and check them with the same rules as a batch file. Nothing is stored here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from taskbank.batchfile import (
    DEFAULT_MAX_BYTES,
    BatchSettings,
    ParsedBatch,
    TaskSpec,
    check_tasks,
    settings_from,
)
from taskbank.batchtext import file_problem, wide_problem
from taskbank.bulkmemory import full_collections_postponed
from taskbank.errors import Problem, ValidationFailed
from taskbank.models import Batch
from taskbank.safejson import text_problem
from taskbank.screenplay.fdx import parse_fdx
from taskbank.screenplay.fountain import parse_fountain
from taskbank.screenplay.model import Script
from taskbank.screenplay.pdfprocess import read_pdf
from taskbank.screenplay.units import EXCERPT_BUDGET, UNITS, ScriptUnit, Unit, script_units

SCRIPT_FORMATS = {".fountain": "fountain", ".spmd": "fountain", ".fdx": "fdx", ".pdf": "pdf"}
SCRIPT_FIELDS = ("excerpt", "character", "source")
# Templates whose questions are about dialogue: units without any are skipped, saying so.
DIALOGUE_TEMPLATES = ("dialogue_tone", "dialogue_naturalness", "character_motivation")
# A task id is at most 200 characters: the file name, `#s012a-e03` and a speaker's 40 at most.
MAX_SCRIPT_NAME = 140


def is_script(filename: str) -> bool:
    """Whether a file's name says it is a screenplay (.fountain, .fdx, .pdf)."""
    return PurePath(filename).suffix.lower() in SCRIPT_FORMATS


@dataclass(frozen=True)
class Skip:
    """A unit left out, and why."""

    external_id: str
    reason: str


@dataclass(frozen=True)
class ScriptPlan:
    """What an import would store: the checked batch, its units, what each unit kind would give,
    what was skipped, and the pay it commits."""

    parsed: ParsedBatch
    unit: Unit
    units: list[ScriptUnit]
    counts: dict[str, int]
    skipped: list[Skip]
    scripts: list[Script]
    overlap: int

    @property
    def pay_total_cents(self) -> int:
        """Every task paid at the batch rate, once per writer the overlap asks for."""
        return len(self.parsed.tasks) * self.parsed.settings.pay_cents * self.overlap

    @property
    def budget_cap_cents(self) -> int | None:
        return self.parsed.settings.project.budget_cap_cents


@dataclass(frozen=True)
class ScriptImport:
    """The plan, and the stored batch unless it was a dry run."""

    plan: ScriptPlan
    batch: Batch | None


def parse_script(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Script:
    """A screenplay file in the neutral model, or ValidationFailed saying why it was refused."""
    name = PurePath(filename).name or "script"
    suffix = PurePath(name).suffix.lower()
    if suffix not in SCRIPT_FORMATS:
        raise _refused(
            name, f"unknown file type '{suffix or '(none)'}'; expected .fountain, .fdx or .pdf"
        )
    naming = _name_problem(name)
    if naming is not None:
        raise ValidationFailed(
            [Problem("file name", naming, name)], summary=f"{name}: refused; nothing was imported"
        )
    if len(data) > max_bytes:
        raise _refused(name, f"is {len(data):,} bytes; at most {max_bytes:,} are accepted")
    if not data.strip():
        raise _refused(name, "is empty")
    kind = SCRIPT_FORMATS[suffix]
    if kind == "pdf":
        script = read_pdf(data, name)  # in a child process: see pdfprocess.py
    elif kind == "fdx":
        script = parse_fdx(data, name)
    else:
        wide = wide_problem(data, name)
        if wide is not None:
            raise ValidationFailed([wide], summary=f"{name}: refused; nothing was imported")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ValidationFailed(
                [
                    Problem(
                        "encoding",
                        f"byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8",
                        f"{name}:{line}",
                    )
                ],
                summary=f"{name}: refused; nothing was imported",
            ) from None
        if "\x00" in text:
            raise _refused(name, "is a binary file, not Fountain text")
        script = parse_fountain(text, name)
    if not any(e.kind in ("heading", "cue") for e in script.elements):
        raise _refused(
            name,
            "has no scene headings (INT./EXT. …) and no character cues: it does not read as a screenplay",
        )
    return script


def _name_problem(name: str) -> str | None:
    """Why a script's file name cannot start its tasks' ids (`pilot.fountain#s012-MARA`), or None:
    every id would otherwise be refused on its own, saying only that the unit does not fit."""
    problem = text_problem(name, one_line=True)
    if problem is not None:
        return f"{problem}; rename the file"
    if len(name) > MAX_SCRIPT_NAME:
        return (
            f"is {len(name):,} characters long; at most {MAX_SCRIPT_NAME} fit in the tasks' ids "
            "(file#scene); rename the file"
        )
    return None


def plan_script_batch(
    files: Iterable[Path | tuple[str, bytes]],
    settings: BatchSettings | Mapping[str, Any],
    unit: str,
    *,
    default_overlap: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    budget: int = EXCERPT_BUDGET,
) -> ScriptPlan:
    """Parse the files, cut them into units and check the tasks; raise ValidationFailed listing
    every problem (nothing is stored either way). Run it in a worker thread: no full garbage
    collection runs meanwhile (a PDF's layout objects would make each one hold the GIL, and the
    event loop, for most of a tenth of a second; see taskbank/bulkmemory.py)."""
    with full_collections_postponed():
        return _planned(files, settings, unit, default_overlap, max_bytes, budget)


def _planned(
    files: Iterable[Path | tuple[str, bytes]],
    settings: BatchSettings | Mapping[str, Any],
    unit: str,
    default_overlap: int,
    max_bytes: int,
    budget: int,
) -> ScriptPlan:
    if unit not in UNITS:
        raise ValidationFailed(
            [Problem("unit", f"unknown unit '{unit}'; expected one of {', '.join(UNITS)}")]
        )
    checked = _settings(settings)
    _check_template(checked, unit)
    scripts: list[Script] = []
    problems: list[Problem] = []
    for item in files:
        if isinstance(item, Path):
            read = file_problem(item, max_bytes, item.name, "a script")
            if isinstance(read, Problem):
                problems.append(read)
                continue
            name, data = item.name, read
        else:
            name, data = item
        try:
            scripts.append(parse_script(data, name, max_bytes=max_bytes))
        except ValidationFailed as failure:
            problems.extend(failure.problems)
    if problems:
        raise ValidationFailed(problems, summary="the script(s) were refused; nothing was imported")
    if not scripts:
        raise ValidationFailed([Problem("file", "give at least one .fountain, .fdx or .pdf file")])
    counts = {kind: sum(len(script_units(s, kind, budget)) for s in scripts) for kind in UNITS}
    wanted = [u for s in scripts for u in script_units(s, unit, budget)]  # type: ignore[arg-type]
    kept, skipped = [], []
    needs_dialogue = checked.template in DIALOGUE_TEMPLATES
    for item in wanted:
        if needs_dialogue and not item.has_dialogue:
            skipped.append(
                Skip(
                    item.external_id,
                    f"no dialogue; template '{checked.template}' asks about dialogue",
                )
            )
        else:
            kept.append(item)
    if not kept:
        raise ValidationFailed(
            [
                Problem(
                    "unit",
                    f"all {len(wanted)} {unit} unit(s) were skipped: {skipped[0].reason}"
                    if skipped
                    else f"the script(s) give no {unit} units",
                )
            ],
            summary="nothing to import",
        )
    located = [(item.external_id, TaskSpec(item.external_id, _payload(item))) for item in kept]
    clean, task_problems = check_tasks(checked, located)
    if task_problems:
        raise ValidationFailed(
            task_problems, summary=f"{len(task_problems)} unit(s) do not fit; nothing was imported"
        )
    return ScriptPlan(
        ParsedBatch(checked, clean),
        unit,
        kept,
        counts,
        skipped,
        scripts,
        checked.overlap or default_overlap,  # type: ignore[arg-type]
    )


def _payload(item: ScriptUnit) -> dict[str, Any]:
    payload: dict[str, Any] = {"excerpt": item.excerpt}
    if item.character:
        payload["character"] = item.character
    payload["source"] = item.provenance
    return payload


def _settings(raw: BatchSettings | Mapping[str, Any]) -> BatchSettings:
    """The same checks a batch file's settings get: storable values, then the model."""
    return settings_from(raw, "settings")


def _check_template(settings: BatchSettings, unit: str) -> None:
    template = settings.resolved_template()
    needed = {**template.payload_fields, **settings.payload_fields}
    missing = sorted(set(needed) - set(SCRIPT_FIELDS))
    option_fields = sorted(
        {
            f
            for q in template.questions
            if (f := getattr(q, "options_from", None) or getattr(q, "original_from", None))
        }
        - set(SCRIPT_FIELDS)
    )
    missing = sorted(set(missing) | set(option_fields))
    if missing:
        raise ValidationFailed(
            [
                Problem(
                    "template",
                    f"'{settings.template}' needs payload field(s) {', '.join(missing)}; a screenplay "
                    "gives an excerpt (and a character, with unit character-scene)",
                )
            ]
        )
    if "character" in needed and unit != "character-scene":
        raise ValidationFailed(
            [
                Problem(
                    "unit",
                    f"'{settings.template}' asks about one character: use unit character-scene",
                )
            ]
        )


def _refused(name: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        [Problem("file", reason, name)], summary=f"{name}: refused; nothing was imported"
    )
