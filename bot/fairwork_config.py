"""The `[fair_work]` configuration table: the floor hourly rate writers are shown against, how
long a writer has to appeal a rejection, and which projects top writers up to their target."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from taskbank.fairpay import FairWorkPolicy


class FairWorkConfig(BaseModel):
    """Fair-work settings; the approval window comes from `[schedule] auto_approve_hours`."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    floor_hourly_cents: int = Field(
        default=725, ge=0, le=100_000, description="The floor writers' rates are shown against."
    )
    appeal_days: int = Field(
        default=14, ge=0, le=365, description="Days a writer has to appeal a rejection (0: none)."
    )

    top_up_projects: list[str] = Field(
        default_factory=list,
        description="Projects (by name) whose writers are topped up to the target rate at tally time.",
    )

    authors_shown_to_reviewers: list[str] = Field(
        default_factory=list,
        description="Projects (by name) whose review cards name the author; others hide it.",
    )

    min_timings: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Timed answers a batch needs before writers see its median time per task"
        " instead of the coordinator's estimate (batch file `estimate_minutes`).",
    )

    def policy(self, auto_approve_hours: int) -> FairWorkPolicy:
        """The core's policy object for these settings."""
        return FairWorkPolicy(
            floor_hourly_cents=self.floor_hourly_cents,
            approval_hours=auto_approve_hours,
            appeal_days=self.appeal_days,
            top_up_projects=tuple(self.top_up_projects),
            authors_shown_to_reviewers=tuple(self.authors_shown_to_reviewers),
            min_timings=self.min_timings,
        )
