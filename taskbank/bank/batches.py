"""Batches: importing batch files and screenplays, and reading batches, projects and tasks."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskbank.bank.values import TASK_CACHE_SIZE
from taskbank.batchfile import (
    BatchFormat,
    BatchSettings,
    ParsedBatch,
    ProjectSettings,
    deadline_problems,
    parse_batch_file,
)
from taskbank.batchtext import read_file
from taskbank.bulkmemory import full_collections_postponed, release
from taskbank.errors import Problem, ValidationFailed
from taskbank.models import (
    Batch,
    BatchState,
    Project,
    Task,
)
from taskbank.store import BatchProgress
from taskbank.store.rows import built, duplicate_batch_name

if TYPE_CHECKING:
    from taskbank.screenplay import ScriptImport


class Batches:
    """The TaskBank's batches methods (state and store come from TaskBank)."""

    # -- batches ---------------------------------------------------------------------------

    async def import_batch(
        self,
        source: Path | str | bytes,
        *,
        filename: str | None = None,
        settings: BatchSettings | Mapping[str, Any] | None = None,
        file_format: BatchFormat | None = None,
    ) -> Batch:
        """Import a JSONL or CSV batch file whole, or raise ValidationFailed and import nothing.

        The file is parsed and checked in a worker thread, so a big import never stalls the
        event loop (and every chat answered on it); a deadline already past is refused.
        """
        data, name = await self._batch_file_bytes(source, filename)
        # A big file is millions of objects: no full garbage collection walks them meanwhile,
        # and they are freed off the loop (see taskbank.bulkmemory).
        with full_collections_postponed():
            parsed = await self._parsed(data, name, settings, file_format)
            try:
                return await self.create_batch(parsed)
            except ValidationFailed as refused:  # the database's refusals, placed in the file
                where = _header_location(data, name, in_file=settings is None)
                raise ValidationFailed(
                    [Problem(p.field, p.message, p.location or where) for p in refused.problems],
                    summary=f"{name}: nothing was imported",
                ) from None
            finally:
                await asyncio.to_thread(release, parsed.tasks)

    async def check_batch_file(
        self,
        source: Path | str | bytes,
        *,
        filename: str | None = None,
        settings: BatchSettings | Mapping[str, Any] | None = None,
        file_format: BatchFormat | None = None,
    ) -> tuple[str, str]:
        """Read and check a batch file as `import_batch` would, storing nothing: its (project,
        batch name), or ValidationFailed with every problem (so several files can all be checked
        before any is imported)."""
        data, name = await self._batch_file_bytes(source, filename)
        with full_collections_postponed():
            parsed = await self._parsed(data, name, settings, file_format)
            await asyncio.to_thread(release, parsed.tasks)
        return parsed.settings.project.name, parsed.settings.name

    async def _batch_file_bytes(
        self, source: Path | str | bytes, filename: str | None
    ) -> tuple[bytes, str]:
        if isinstance(source, bytes):
            return source, filename or "batch.jsonl"
        path = Path(source)
        name = filename or path.name
        return await asyncio.to_thread(read_file, path, self.defaults.max_import_bytes, name), name

    async def _parsed(
        self,
        data: bytes,
        name: str,
        settings: BatchSettings | Mapping[str, Any] | None,
        file_format: BatchFormat | None,
    ) -> ParsedBatch:
        return await asyncio.to_thread(
            parse_batch_file,
            data,
            name,
            settings=settings,
            file_format=file_format,
            max_bytes=self.defaults.max_import_bytes,
            now=self.clock.now(),
        )

    async def create_batch(self, parsed: ParsedBatch) -> Batch:
        """Store checked settings and tasks as a new, open batch (with its project the first
        time), in one transaction: refused, it leaves nothing behind."""
        settings = parsed.settings
        await self._check_project(settings.project)
        now = self.clock.now()
        tasks = parsed.tasks  # 741,412 of them at the size limit: counted off the loop
        gold_tasks = await built(len(tasks), lambda: _gold_count(tasks))
        policy = self._quality.new_policy(settings.quality, gold_tasks, len(parsed.tasks))
        try:
            return await self.store.create_batch(
                settings,
                parsed.tasks,
                overlap=settings.overlap or self.defaults.overlap,
                lease_seconds=60 * (settings.lease_minutes or self.defaults.lease_minutes),
                now=now,
                quality=(policy.gold_rate, policy.to_json()),
            )
        finally:
            self._forget_open_batches()  # a claim's read in flight now is not kept either

    async def _check_project(self, given: ProjectSettings) -> None:
        """A batch joins an existing project only as it is: a project is set by its first import,
        so settings that differ from it are refused (they were silently ignored), as is a name
        that differs from an existing one only in case (it would start a second project)."""
        names = await self.store.project_names()
        same = [pid for pid, name in names.items() if name == given.name]
        if not same:
            alike = [name for name in names.values() if name.casefold() == given.name.casefold()]
            if alike:
                raise ValidationFailed(
                    [
                        Problem(
                            "project.name",
                            f"a project named '{alike[0]}' exists; give its name exactly as it"
                            " is, or a name of its own",
                        )
                    ]
                )
            return
        project = await self.store.get_project(same[0])
        differ = [
            key
            for key in sorted(given.model_fields_set - {"name"})
            if getattr(given, key) != getattr(project, key)
        ]
        if differ:
            raise ValidationFailed(
                [
                    Problem(
                        f"project.{differ[0]}",
                        f"project '{given.name}' already exists with other {', '.join(differ)};"
                        " a project is set by its first import: leave these out, or give the"
                        " values it has",
                    )
                ]
            )

    async def batch(self, batch_id: int) -> Batch:
        """A batch by id (its questions and pay never change, so it is cached)."""
        cached = self._batches.get(batch_id)
        if cached is None:
            cached = self._batches[batch_id] = await self.store.get_batch(batch_id)
        return cached

    async def project(self, project_id: int) -> Project:
        """A project by id (cached: projects are not edited once created)."""
        cached = self._projects.get(project_id)
        if cached is None:
            cached = self._projects[project_id] = await self.store.get_project(project_id)
        return cached

    async def task(self, task_id: int) -> Task:
        """A task by id (cached, the most recent few thousand: tasks never change once stored)."""
        cached = self._tasks.get(task_id)
        if cached is None:
            cached = self._remember(self._tasks, task_id, await self.store.get_task(task_id))
        return cached

    @staticmethod
    def _remember(cache: OrderedDict[int, Any], key: int, value: Any) -> Any:
        """Keep a value in a bounded cache (the oldest entry goes first: an OrderedDict drops
        it at once, where a dict whose front was popped again and again scans the holes left)."""
        if key not in cache and len(cache) >= TASK_CACHE_SIZE:
            cache.popitem(last=False)
        cache[key] = value
        return value

    async def list_batches(self) -> list[Batch]:
        """Every batch, newest first."""
        return await self.store.list_batches()

    async def set_batch_state(self, batch_id: int, state: BatchState) -> Batch:
        """Pause, resume or close a batch."""
        try:
            batch = await self.store.set_batch_state(batch_id, state)
        finally:
            self._batches.pop(batch_id, None)
            self._forget_open_batches()
        return batch

    async def batch_progress(self, batch_id: int) -> BatchProgress:
        """How far a batch has come."""
        return await self.store.batch_progress(batch_id)

    # -- screenplays -----------------------------------------------------------------------

    async def import_script(
        self,
        files: Iterable[Path | tuple[str, bytes]],
        *,
        settings: BatchSettings | Mapping[str, Any],
        unit: str,
        dry_run: bool = False,
    ) -> ScriptImport:
        """Cut screenplays (.fountain, .fdx, .pdf) into tasks of one unit and store them as one
        batch, or with `dry_run` only say what would be stored. Parsing runs off the event loop;
        a refused file or a unit that does not fit raises ValidationFailed and stores nothing."""
        from taskbank.screenplay import ScriptImport, plan_script_batch

        plan = await asyncio.to_thread(
            plan_script_batch,
            files,
            settings,
            unit,
            default_overlap=self.defaults.overlap,
            max_bytes=self.defaults.max_import_bytes,
        )
        late = deadline_problems(plan.parsed.settings, self.now(), "settings")
        if late:
            raise ValidationFailed(late, summary="nothing was imported")
        if dry_run:
            # A preview promises what the import will do: a name the project already has is the
            # same refusal now as at the import.
            settings = plan.parsed.settings
            for batch in await self.list_batches():
                project = await self.project(batch.project_id)
                if batch.name == settings.name and project.name == settings.project.name:
                    raise duplicate_batch_name(settings.name)
            return ScriptImport(plan, None)
        return ScriptImport(plan, await self.create_batch(plan.parsed))


def _header_location(data: bytes, name: str, *, in_file: bool) -> str:
    """Where a batch's settings stand: a JSONL file's header line, else the file itself."""
    if not in_file:
        return name
    start = 0
    for number in range(1, 1000):
        end = data.find(b"\n", start)
        if data[start : None if end < 0 else end].strip():
            return f"{name}:{number}"
        if end < 0:
            break
        start = end + 1
    return name


def _gold_count(tasks: Iterable[Any]) -> int:
    """How many of a batch's tasks carry a gold answer."""
    return sum(task.gold is not None for task in tasks)
