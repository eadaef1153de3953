"""Credit and forgetting: opt-in names, export names and contributors, forgetting a writer."""

from __future__ import annotations

from typing import TextIO

from taskbank import credit, forget
from taskbank.credit import Credit, ExportNames
from taskbank.forget import Forgotten


class CreditAndPrivacy:
    """The TaskBank's credit and forgetting methods (state and store come from TaskBank)."""

    async def set_credit(self, writer_id: str, project: str, name: str) -> Credit:
        """A writer opts in to be credited on a project under `name` ('off' opts out)."""
        return await credit.set_credit(self, writer_id, project, name)  # type: ignore[arg-type]

    async def project_names(self) -> list[str]:
        """Every project's name (what `/credit` can name)."""
        return list((await self.store.project_names()).values())  # type: ignore[attr-defined]

    async def credits_of(self, writer_id: str) -> list[Credit]:
        """The projects a writer is credited on, with the name."""
        found = await self.store.credits_of(writer_id)  # type: ignore[attr-defined]
        return [Credit(project, name) for project, name in found]

    async def export_names(self, batch_id: int) -> ExportNames:
        """How a batch's export names people: credited names, else stable pseudonyms."""
        return await credit.export_names(self, batch_id)  # type: ignore[arg-type]

    async def export_contributors(self, batch_id: int, out: TextIO) -> tuple[int, int]:
        """A batch's contributors file: (credited writers, others counted anonymously)."""
        return await credit.write_contributors(self, batch_id, out)  # type: ignore[arg-type]

    async def forget_preview(self, writer_id: str) -> dict[str, int]:
        """Rows per table that name a writer; refuses an unknown or already forgotten id."""
        return await forget.forget_preview(self, writer_id)  # type: ignore[arg-type]

    async def forget_writer(self, writer_id: str) -> Forgotten:
        """Replace a writer's id with their pseudonym everywhere; ledger sums stay the same."""
        return await forget.forget_writer(self, writer_id)  # type: ignore[arg-type]
