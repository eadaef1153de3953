"""`taskbot batch from-script`: screenplays (.fountain, .fdx, .pdf) cut into tasks, or a dry run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.text import Text

from bot.config import Config
from taskbank.batchsettings import BATCH_NAME_MAX, PROJECT_NAME_MAX
from taskbank.errors import Problem, ValidationFailed
from taskbank.money import format_cents
from taskbank.screenplay import UNITS, ScriptPlan

PREVIEW_TASKS = 3


def script_settings(
    base: dict[str, Any],
    *,
    first_file: str,
    unit: str,
    template: str | None,
    project: str | None,
    name: str | None,
    pay_cents: int | None,
    overlap: int | None,
) -> dict[str, Any]:
    """Batch settings from a settings file and the options given beside it (options win)."""
    settings = dict(base)
    stem = Path(first_file).stem
    if template is not None:
        settings["template"] = template
    if project is not None:
        given = settings.get("project")
        settings["project"] = {**given, "name": project} if isinstance(given, dict) else project
    # Names taken from the file are cut to fit (a long file name is no mistake of the batch's);
    # a name given is checked as given.
    settings.setdefault("project", stem[:PROJECT_NAME_MAX].strip())
    if name is not None:
        settings["name"] = name
    suffix = f"-{unit}s"
    settings.setdefault("name", stem[: BATCH_NAME_MAX - len(suffix)].strip() + suffix)
    if pay_cents is not None:
        settings["pay_cents"] = pay_cents
    if overlap is not None:
        settings["overlap"] = overlap
    missing = [
        Problem(field, message)
        for field, message in (
            ("template", "give --template (e.g. dialogue_tone) or 'template' in --settings"),
            ("pay_cents", "give --pay-cents (pay per task, in cents) or 'pay_cents' in --settings"),
        )
        if field not in settings
    ]
    if missing:
        raise ValidationFailed(
            missing, summary="the batch needs more settings; nothing was imported"
        )
    return settings


def plan_lines(plan: ScriptPlan, currency: str, shown: int = PREVIEW_TASKS) -> list[Any]:
    """What a dry run prints: per script and unit, pay against budget, skips, the first tasks."""
    settings = plan.parsed.settings
    money = lambda cents: format_cents(cents, currency)  # noqa: E731
    lines: list[Any] = []
    for script in plan.scripts:
        title = f" “{script.title}”" if script.title else ""
        lines.append(
            Text(f"{script.source}{title}: {len(script.scenes)} scenes, {script.page_count} pages")
        )
    lines.append(
        Text(
            "tasks per unit: "
            + " · ".join(f"{unit} {count}" for unit, count in plan.counts.items())
        )
    )
    budget = plan.budget_cap_cents
    verdict = (
        "no budget cap"
        if budget is None
        else f"budget {money(budget)}: "
        + ("fits" if plan.pay_total_cents <= budget else "OVER BUDGET (claims stop at the cap)")
    )
    lines.append(
        Text(
            f"batch '{settings.name}' in project '{settings.project.name}', template "
            f"{settings.template}, unit {plan.unit}: {len(plan.parsed.tasks)} tasks × "
            f"{money(settings.pay_cents)} × overlap {plan.overlap} = {money(plan.pay_total_cents)}; {verdict}"
        )
    )
    if plan.skipped:
        lines.append(Text(f"skipped {len(plan.skipped)}:"))
        lines.extend(Text(f"  {skip.external_id}: {skip.reason}") for skip in plan.skipped)
    else:
        lines.append(Text("skipped: none"))
    for task in plan.parsed.tasks[:shown]:
        body = task.payload["excerpt"]
        if "character" in task.payload:
            body = f"Character: {task.payload['character']}\n\n{body}"
        lines.append(
            Panel(Text(body), title=Text(task.external_id), subtitle=Text(task.payload["source"]))
        )
    if len(plan.parsed.tasks) > shown:
        lines.append(Text(f"… and {len(plan.parsed.tasks) - shown} more"))
    return lines


def batch_from_script(
    files: Annotated[list[Path], typer.Argument(help="Screenplays: .fountain, .fdx or .pdf.")],
    unit: Annotated[
        str, typer.Option(help="scene, page, exchange or character-scene (one task each).")
    ],
    template: Annotated[str | None, typer.Option(help="The template, e.g. dialogue_tone.")] = None,
    settings: Annotated[
        Path | None, typer.Option(help="JSON file of batch settings (as a JSONL header's).")
    ] = None,
    project: Annotated[
        str | None, typer.Option(help="Project name (default: the file's name).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Batch name (default: <file>-<unit>s).")] = None,
    pay_cents: Annotated[int | None, typer.Option(help="Pay per task, in cents.")] = None,
    overlap: Annotated[int | None, typer.Option(help="Distinct writers per task.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; store nothing.")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="Configuration file (default: taskbot.toml if present)."
        ),
    ] = None,
) -> None:
    """Cut screenplays into tasks, one per scene, page, exchange or character in a scene."""
    from bot.cli import err, opened_bank, out, run
    from bot.cli.command import read_settings, typer_problem

    if unit not in UNITS:
        err.print(f"error: --unit must be one of {', '.join(UNITS)}, not '{unit}'", markup=False)
        raise typer.Exit(2)

    async def work(cfg: Config) -> None:
        base: dict[str, Any] = {} if settings is None else read_settings(settings)
        for file in files:
            if not file.exists():
                raise ValidationFailed([typer_problem(file, "does not exist")])
        merged = script_settings(
            base,
            first_file=files[0].name,
            unit=unit,
            template=template,
            project=project,
            name=name,
            pay_cents=pay_cents,
            overlap=overlap,
        )
        async with opened_bank(cfg) as bank:
            with err.status("reading the script(s)…"):
                result = await bank.import_script(
                    files, settings=merged, unit=unit, dry_run=dry_run
                )
            plan = result.plan
            if result.batch is None:
                out.print(Text("dry run: nothing was stored"))
                for line in plan_lines(plan, cfg.locale.currency):
                    out.print(line)
                return
            out.print(
                Text(
                    f"imported batch {result.batch.id} '{result.batch.name}': "
                    f"{len(plan.parsed.tasks)} {unit} tasks from {', '.join(f.name for f in files)}"
                    + (f" ({len(plan.skipped)} skipped)" if plan.skipped else "")
                )
            )
            for skip in plan.skipped:
                out.print(Text(f"  skipped {skip.external_id}: {skip.reason}"))

    run(config, work)
