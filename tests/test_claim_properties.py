"""Property: whatever writers do, in any order, the claim invariants hold."""

from __future__ import annotations

import asyncio
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
from tests.conftest import POSTGRES_URL, drop_schema, postgres_schema
from tests.inspect_db import query

actions = st.lists(
    st.tuples(
        st.sampled_from(["claim", "submit", "release", "skip", "wait", "expire", "approve"]),
        st.integers(0, 3),
    ),
    max_size=40,
)


async def play(store, overlap: int, steps: list[tuple[str, int]]) -> None:
    """Run the steps, then check every invariant in the database itself."""
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

        live = await query(
            store,
            "SELECT t.id, t.open_slots, count(a.id) FROM tasks AS t LEFT JOIN assignments AS a"
            " ON a.task_id = t.id AND a.state IN ('active', 'submitted') GROUP BY t.id, t.open_slots",
        )
        for _task, open_slots, live_count in live:
            assert live_count <= overlap  # never over overlap
            assert open_slots == overlap - live_count  # the counter tells the truth
        repeats = await query(
            store, "SELECT 1 FROM assignments GROUP BY task_id, writer_id HAVING count(*) > 1"
        )
        assert repeats == []  # no writer twice on a task
        stored = {row[0] for row in await query(store, "SELECT id FROM submissions")}
        assert stored == acknowledged  # every acknowledged answer, and nothing else
        (ledger,) = (await query(store, "SELECT coalesce(sum(amount_cents), 0) FROM ledger"))[0]
        assert ledger == approved * batch.pay_cents  # ledger equals approvals
    finally:
        await store.close()


async def fresh_postgres(overlap: int, steps: list[tuple[str, int]]) -> None:
    from taskbank.store.postgres import PostgresStore

    schema = await postgres_schema()
    try:
        await play(
            PostgresStore(POSTGRES_URL, schema=schema, min_size=1, max_size=2), overlap, steps
        )
    finally:
        await drop_schema(schema)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3), actions)
def test_claim_invariants_hold_for_any_sequence_on_sqlite(overlap, steps):
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(play(SqliteStore(Path(folder) / "p.db"), overlap, steps))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3), actions)
def test_claim_invariants_hold_for_any_sequence_on_postgresql(overlap, steps):
    asyncio.run(fresh_postgres(overlap, steps))
