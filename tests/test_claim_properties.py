"""Property: whatever writers do, in any order, the claim invariants hold."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskbank.clock import ManualClock
from taskbank.errors import LeaseLost, NotAllowed, NothingToClaim
from taskbank.models import Verdict
from taskbank.service import TaskBank
from taskbank.store.sqlite import SqliteStore
from tests.batches import TONE_ANSWER, tone_batch

actions = st.lists(
    st.tuples(
        st.sampled_from(["claim", "submit", "release", "skip", "wait", "expire", "approve"]),
        st.integers(0, 3),
    ),
    max_size=40,
)


async def play(path: Path, overlap: int, steps: list[tuple[str, int]]) -> tuple[set[int], int]:
    store = SqliteStore(path)
    await store.open()
    try:
        bank = TaskBank(store, clock=(clock := ManualClock()))
        batch = await bank.import_batch(
            tone_batch(4, overlap=overlap, lease_minutes=5), filename="p.jsonl"
        )
        held: dict[str, list[int]] = {}
        acknowledged: set[int] = set()
        approved = 0
        for action, who in steps:
            writer = f"w{who}"
            mine = held.setdefault(writer, [])
            try:
                if action == "claim":
                    mine.append((await bank.claim(writer)).assignment.id)
                elif action in ("submit", "release", "skip") and mine:
                    assignment = mine.pop(0)
                    if action == "submit":
                        result = await bank.submit(
                            assignment, writer, TONE_ANSWER, f"{writer}-{assignment}"
                        )
                        acknowledged.add(result.submission.id)
                    else:
                        await getattr(bank, action)(assignment, writer)
                elif action == "wait":
                    clock.advance(minutes=3)
                elif action == "expire":
                    await bank.expire_leases()
                elif action == "approve" and acknowledged:
                    outcome = await bank.record_review(
                        min(acknowledged), "reviewer", Verdict.APPROVED
                    )
                    approved += outcome.recorded
            except (NothingToClaim, LeaseLost, NotAllowed):
                pass
        return acknowledged, approved * batch.pay_cents
    finally:
        await store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3), actions)
def test_claim_invariants_hold_for_any_sequence(overlap, steps):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.db"
        acknowledged, paid = asyncio.run(play(path, overlap, steps))
        db = sqlite3.connect(path)
        try:
            live = db.execute(
                "SELECT t.id, t.open_slots, count(a.id) FROM tasks AS t LEFT JOIN assignments AS a"
                " ON a.task_id = t.id AND a.state IN ('active', 'submitted') GROUP BY t.id"
            ).fetchall()
            for _task, open_slots, live_count in live:
                assert live_count <= overlap  # never over overlap
                assert open_slots == overlap - live_count  # the counter tells the truth
            repeats = db.execute(
                "SELECT 1 FROM assignments GROUP BY task_id, writer_id HAVING count(*) > 1"
            ).fetchall()
            assert repeats == []  # no writer twice on a task
            stored = {row[0] for row in db.execute("SELECT id FROM submissions")}
            assert stored == acknowledged  # every acknowledged answer, and nothing else
            ledger = db.execute("SELECT coalesce(sum(amount_cents), 0) FROM ledger").fetchone()[0]
            assert ledger == paid  # ledger equals approvals
        finally:
            db.close()
